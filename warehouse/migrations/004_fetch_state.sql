-- What the next fetch of each document needs from its history: the raw bytes and pipeline
-- behind its latest version (so the same bytes are not extracted again) and the validators
-- for a conditional request. Looking these up in observation_log read every observation of
-- a batch's documents, and that log gains a row per document per run for good, so re-runs
-- slowed as the warehouse aged. Landing keeps this table in each batch's transaction
-- (warehouse/land.py): the last observation landed sets each value, as the last one landed
-- sets the latest version. `ingest check` verifies that its raw bytes gave that version.
CREATE TABLE fetch_state (
    document_id      VARCHAR PRIMARY KEY,
    raw_hash         VARCHAR,   -- the bytes of the last observation that was new, changed or unchanged
    pipeline_version VARCHAR,   -- the pipeline that processed them
    etag             VARCHAR,   -- the last one a server sent with an answer that was not a failure
    last_modified    VARCHAR    -- likewise
);

-- Every observation that was new, changed or unchanged names the latest version as it
-- landed, so the one with the highest version (then the newest) is the last one landed.
INSERT INTO fetch_state
SELECT document_id,
    arg_max(raw_hash, (version, observed_at)) FILTER (WHERE outcome IN ('new', 'changed', 'unchanged')),
    arg_max(pipeline_version, (version, observed_at)) FILTER (WHERE outcome IN ('new', 'changed', 'unchanged')),
    arg_max(etag, observed_at) FILTER (WHERE etag IS NOT NULL AND outcome <> 'failed'),
    arg_max(last_modified, observed_at) FILTER (WHERE last_modified IS NOT NULL AND outcome <> 'failed')
FROM observation_log
WHERE document_id IS NOT NULL
GROUP BY document_id;
