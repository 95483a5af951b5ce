-- Real providers: webhook deliveries already handled (dedupe on the sender's event id) and embedding usage.

CREATE TABLE webhook_deliveries (
    event_id         text        PRIMARY KEY,
    job_id           uuid        NOT NULL REFERENCES jobs (id),
    event_type       text,
    received_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE jobs ADD COLUMN embedding_tokens bigint NOT NULL DEFAULT 0;   -- usage.total_tokens reported by OpenAI

-- jobs waiting for a webhook are found by their external id
CREATE INDEX jobs_parse_queued_idx ON jobs (updated_at) WHERE status = 'parse_queued' AND parse_job_id IS NOT NULL;
