-- Core schema: documents, append-only versions, every observation, raw payloads, runs,
-- and the public views people query. Views are the interface; tables may change.

CREATE TABLE documents (
    document_id  VARCHAR PRIMARY KEY,   -- hash of the canonical locator
    locator      VARCHAR NOT NULL,      -- canonical URL, or "source:relative/path" for files
    kind         VARCHAR NOT NULL,      -- http | file
    source       VARCHAR NOT NULL,      -- the source that first found it
    origin       VARCHAR NOT NULL,      -- the URL as discovered, or the absolute file path
    first_seen   TIMESTAMPTZ NOT NULL
);

CREATE TABLE versions (
    document_id      VARCHAR NOT NULL,
    version          INTEGER NOT NULL,  -- 1, 2, 3 … per document, never reused
    content_hash     VARCHAR NOT NULL,  -- over normalised title + text
    title            VARCHAR,
    text             VARCHAR NOT NULL,
    published        VARCHAR,           -- ISO date or datetime as the page states it
    publisher        VARCHAR,
    authors          VARCHAR[] NOT NULL,
    editors          VARCHAR[] NOT NULL,
    url              VARCHAR,
    language         VARCHAR,
    source_script    VARCHAR,           -- hans | hant | mixed
    charset          VARCHAR,
    flags            VARCHAR[] NOT NULL, -- flag names, e.g. t2s, mojibake_suspected
    flag_details     VARCHAR[] NOT NULL, -- with counts, e.g. pinyin_removed:151
    raw_hash         VARCHAR,
    pipeline_version VARCHAR NOT NULL,
    run_id           VARCHAR NOT NULL,
    observed_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, version)
);

CREATE TABLE observation_log (
    run_id        VARCHAR NOT NULL,
    document_id   VARCHAR,              -- null when discovery itself failed
    source        VARCHAR NOT NULL,
    locator       VARCHAR NOT NULL,
    observed_at   TIMESTAMPTZ NOT NULL,
    outcome       VARCHAR NOT NULL,     -- new | changed | unchanged | not_modified | failed
    version       INTEGER,              -- the document's latest version after this attempt
    stage         VARCHAR,              -- where a failure happened: discover, fetch, load, decode, extract, normalise
    error_class   VARCHAR,              -- transient | terminal
    reason        VARCHAR,              -- short code, e.g. http_404, empty_extraction
    message       VARCHAR,
    http_status   INTEGER,
    final_url     VARCHAR,
    etag          VARCHAR,
    last_modified VARCHAR,
    media_type    VARCHAR,
    raw_hash      VARCHAR,
    elapsed_ms    DOUBLE,
    pipeline_version VARCHAR            -- the pipeline that processed the payload, if any
);

CREATE TABLE raw_payloads (
    raw_hash     VARCHAR PRIMARY KEY,
    size         INTEGER NOT NULL,
    compression  VARCHAR NOT NULL,      -- zlib
    content      BLOB NOT NULL,
    stored_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE run_log (
    run_id           VARCHAR PRIMARY KEY,
    flow             VARCHAR NOT NULL,  -- ingest | reprocess
    started_at       TIMESTAMPTZ NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    parameters       VARCHAR,           -- JSON
    flow_run_id      VARCHAR,           -- the Prefect flow run, when there is one
    host             VARCHAR,
    pid              INTEGER
);

CREATE TABLE run_ends (
    run_id      VARCHAR PRIMARY KEY,
    finished_at TIMESTAMPTZ NOT NULL,
    status      VARCHAR NOT NULL,       -- completed | failed
    message     VARCHAR
);

CREATE VIEW article_versions AS
SELECT
    v.document_id, v.version, d.locator, d.source, v.url,
    v.title, v.text, v.published, TRY_CAST(v.published AS TIMESTAMP) AS published_at,
    v.publisher, v.authors, v.editors, v.language, v.source_script, v.charset,
    v.flags, v.flag_details, v.content_hash, v.raw_hash, v.pipeline_version, v.run_id,
    v.observed_at AS valid_from,
    lead(v.observed_at) OVER (PARTITION BY v.document_id ORDER BY v.version) AS valid_to
FROM versions v
JOIN documents d USING (document_id);

CREATE VIEW articles AS
SELECT * EXCLUDE (valid_to)
FROM article_versions
QUALIFY row_number() OVER (PARTITION BY document_id ORDER BY version DESC) = 1;

CREATE VIEW observations AS
SELECT * FROM observation_log;

CREATE VIEW runs AS
SELECT
    r.run_id, r.flow, r.started_at, e.finished_at,
    coalesce(e.status, 'unfinished') AS status,
    date_diff('millisecond', r.started_at, e.finished_at) / 1000.0 AS elapsed_s,
    count(o.run_id) AS seen,
    count(*) FILTER (WHERE o.outcome = 'new') AS new_documents,
    count(*) FILTER (WHERE o.outcome = 'changed') AS new_versions,
    count(*) FILTER (WHERE o.outcome = 'unchanged') AS unchanged,
    count(*) FILTER (WHERE o.outcome = 'not_modified') AS not_modified,
    count(*) FILTER (WHERE o.outcome = 'failed') AS failed,
    r.pipeline_version, r.parameters, r.flow_run_id, e.message
FROM run_log r
LEFT JOIN run_ends e USING (run_id)
LEFT JOIN observation_log o USING (run_id)
GROUP BY ALL;

CREATE VIEW document_status AS
SELECT
    d.document_id, d.locator, d.source, d.kind, d.first_seen,
    max(o.version) AS latest_version,
    max(o.observed_at) AS last_seen,
    count(o.run_id) AS seen_count,
    arg_max(o.outcome, o.observed_at) AS last_outcome,
    arg_max(o.reason, o.observed_at) AS last_reason,
    arg_max(o.message, o.observed_at) AS last_message
FROM documents d
LEFT JOIN observation_log o USING (document_id)
GROUP BY ALL;
