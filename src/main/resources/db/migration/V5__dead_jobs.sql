-- A dead job is a failed one no automatic retry will pick up (a permanent failure, or its last attempt): it waits
-- for a person. One definition, kept by PostgreSQL, for the API, the dead-jobs gauge and retention.
ALTER TABLE jobs ADD COLUMN dead boolean
    GENERATED ALWAYS AS (status IN ('failed_parse', 'failed_chunking', 'failed_embedding') AND not_before IS NULL) STORED;

CREATE INDEX jobs_dead_idx ON jobs (created_at) WHERE dead;
