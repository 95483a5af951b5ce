-- The provider edge (issue 7): the webhook only records, a stage fetches LlamaParse results.

-- A job's LlamaParse result is ready to read: a webhook said its parse ended, or the overdue poll wants a look.
ALTER TABLE jobs ADD COLUMN parse_ready_at timestamptz;
-- When the overdue poll asks LlamaParse again about a job it found still running (NULL: after the webhook wait).
ALTER TABLE jobs ADD COLUMN parse_poll_at timestamptz;

-- the fetch stage's claim, and the overdue poll
CREATE INDEX jobs_parse_ready_idx ON jobs (parse_ready_at)
    WHERE status = 'parse_queued' AND parse_ready_at IS NOT NULL;
DROP INDEX jobs_parse_queued_idx;
CREATE INDEX jobs_parse_waiting_idx ON jobs (updated_at)
    WHERE status = 'parse_queued' AND parse_ready_at IS NULL AND parse_job_id IS NOT NULL;
CREATE INDEX jobs_parse_poll_idx ON jobs (parse_poll_at)
    WHERE status = 'parse_queued' AND parse_ready_at IS NULL;

-- what a delivery named, for the record (a delivery may overtake the upload's answer)
ALTER TABLE webhook_deliveries ADD COLUMN parse_job_id text;
