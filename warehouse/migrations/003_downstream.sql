-- For the people downstream: near-duplicate signatures and story clusters, the search
-- index, point-in-time reads, and what re-processing needs to redo a document offline.

-- The charset the HTTP Content-Type header declared: decoding weighs it, so re-processing
-- the stored bytes without it could decode a page differently from the fetch that stored it.
ALTER TABLE observation_log ADD COLUMN declared_charset VARCHAR;

-- One MinHash signature per version (tasks/signature.py), over the normalised Simplified
-- text; empty for a text without letters or digits. `scheme` names everything that decides
-- the values; only signatures of one scheme are compared.
CREATE TABLE signatures (
    document_id VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    scheme      VARCHAR NOT NULL,        -- e.g. minhash-affine32-k4-p128-s1
    minhash     UINTEGER[] NOT NULL,
    PRIMARY KEY (document_id, version)
);

-- The persistent default threshold of `story_clusters` (one row). Change it with
--   UPDATE story_cluster_settings SET threshold = 0.6;
-- or ask once with `FROM story_clusters_at(0.6)` / `ingest dupes --threshold 0.6`.
CREATE TABLE story_cluster_settings (
    id        BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    threshold DOUBLE NOT NULL CHECK (threshold > 0 AND threshold <= 1)
);
-- Tuned by bench/near_duplicates.py: the same story on other sites and in the other script
-- scores >= 0.78, a page quoting one paragraph <= 0.28, different stories <= 0.05.
INSERT INTO story_cluster_settings VALUES (true, 0.5);

-- Documents whose latest versions are near-duplicates, grouped into stories.
-- Candidates come from LSH banding (32 bands of 4 signature positions): a pair becomes a
-- candidate with probability 1-(1-J^4)^32 — 0.87 at J=0.5, 0.99 at 0.6, 0.0003 at 0.05 —
-- so the work grows with the number of near pairs, not with all pairs. Candidates are kept
-- when their estimated Jaccard similarity (share of equal positions) reaches the threshold,
-- and stories are the connected components of what is kept.
CREATE MACRO story_clusters_at(threshold) AS TABLE
WITH RECURSIVE
    current_signatures AS (
        SELECT a.document_id, s.scheme, s.minhash
        FROM articles a
        JOIN signatures s USING (document_id, version)
        WHERE len(s.minhash) > 0             -- a text without letters or digits has none
    ),
    bands AS (
        SELECT document_id, scheme, band, hash(minhash[band * 4 + 1 : band * 4 + 4]) AS bucket
        FROM current_signatures, range(32) AS r(band)
    ),
    candidates AS (
        SELECT DISTINCT x.document_id AS a, y.document_id AS b
        FROM bands x
        JOIN bands y
          ON x.band = y.band AND x.bucket = y.bucket AND x.scheme = y.scheme
         AND x.document_id < y.document_id
    ),
    scored AS (
        SELECT c.a, c.b,
               len(list_filter(list_zip(sa.minhash, sb.minhash), lambda p: p[1] = p[2]))
                   / len(sa.minhash) AS similarity
        FROM candidates c
        JOIN current_signatures sa ON sa.document_id = c.a
        JOIN current_signatures sb ON sb.document_id = c.b
    ),
    linked AS (
        SELECT a, b, similarity FROM scored WHERE similarity >= threshold
    ),
    undirected AS (
        SELECT a AS node, b AS other, similarity FROM linked
        UNION ALL
        SELECT b, a, similarity FROM linked
    ),
    reach(node, reached) AS (
        SELECT node, node FROM undirected
        UNION
        SELECT r.node, u.other FROM reach r JOIN undirected u ON u.node = r.reached
    ),
    members AS (
        SELECT node AS document_id, min(reached) AS cluster_id
        FROM reach
        GROUP BY node
    ),
    closest AS (
        SELECT node AS document_id, max(similarity) AS similarity
        FROM undirected
        GROUP BY node
    )
SELECT
    m.cluster_id,                            -- the story's smallest document_id
    count(*) OVER (PARTITION BY m.cluster_id) AS cluster_size,
    a.document_id, a.version, a.title, a.publisher, a.published, a.published_at,
    d.first_seen, a.source, a.locator, a.url,
    c.similarity AS closest_similarity       -- to the most similar other member
FROM members m
JOIN articles a USING (document_id)
JOIN documents d USING (document_id)
JOIN closest c USING (document_id);

CREATE VIEW story_clusters AS
SELECT * FROM story_clusters_at((SELECT threshold FROM story_cluster_settings));

-- The corpus as it stood at a point in time: each document's version valid then.
CREATE MACRO articles_as_of(ts) AS TABLE
SELECT * EXCLUDE (valid_to)
FROM article_versions
WHERE valid_from <= ts AND (valid_to IS NULL OR valid_to > ts);

-- Full-text search: jieba terms of each document's current version (tasks/segment.py),
-- ranked with BM25 in SQL (warehouse/search.py). Kept current at the end of every run.
CREATE TABLE search_docs (
    document_id VARCHAR PRIMARY KEY,
    version     INTEGER NOT NULL,        -- the version indexed
    segmenter   VARCHAR NOT NULL,        -- what produced the terms; another means re-index
    length      INTEGER NOT NULL         -- terms in title and text, for BM25
);

CREATE TABLE search_terms (
    term        VARCHAR NOT NULL,
    document_id VARCHAR NOT NULL,
    tf          INTEGER NOT NULL         -- occurrences in title and text
);

-- A re-processing run reads stored payloads, it does not look at the site: the columns that
-- answer "when did we last try to fetch this, and what happened" leave its observations out.
CREATE OR REPLACE VIEW document_status AS
WITH o AS (
    SELECT l.*, coalesce(r.flow = 'reprocess', false) AS reprocessed
    FROM observation_log l
    LEFT JOIN run_log r USING (run_id)
)
SELECT
    d.document_id, d.locator, d.source, d.kind, d.first_seen,
    max(o.version) AS latest_version,
    max(o.observed_at) FILTER (WHERE NOT o.reprocessed) AS last_seen,
    count(o.run_id) FILTER (WHERE NOT o.reprocessed) AS seen_count,
    arg_max(o.outcome, o.observed_at) FILTER (WHERE NOT o.reprocessed) AS last_outcome,
    arg_max(o.reason, o.observed_at) FILTER (WHERE NOT o.reprocessed) AS last_reason,
    arg_max(o.message, o.observed_at) FILTER (WHERE NOT o.reprocessed) AS last_message
FROM documents d
LEFT JOIN o USING (document_id)
GROUP BY ALL;
