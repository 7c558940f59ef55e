-- Every landed batch has an id, recorded in the same transaction as its rows. A batch
-- landed twice (a spooled batch whose process died after COMMIT but before deleting the
-- spool entry) is then recognised and skipped, and `ingest check` can tell whether each
-- batch is whole.

CREATE TABLE landed_batches (
    batch_id     VARCHAR PRIMARY KEY,
    run_id       VARCHAR NOT NULL,
    landed_at    TIMESTAMPTZ NOT NULL,
    observations INTEGER NOT NULL,     -- rows the batch added to observation_log
    spooled_at   TIMESTAMPTZ           -- when it was written to the spool, if it waited there
);

ALTER TABLE observation_log ADD COLUMN batch_id VARCHAR;

CREATE OR REPLACE VIEW observations AS
SELECT * FROM observation_log;
