-- `document_status` said a recovered page still failed: arg_max skips NULLs, so after a 404
-- and then a 304 or a landed version, `last_reason` and `last_message` were the 404's.
-- arg_max_null takes the last observation's value, NULL included.
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
    arg_max_null(o.reason, o.observed_at) FILTER (WHERE NOT o.reprocessed) AS last_reason,
    arg_max_null(o.message, o.observed_at) FILTER (WHERE NOT o.reprocessed) AS last_message
FROM documents d
LEFT JOIN o USING (document_id)
GROUP BY ALL;
