-- GET /api/v1/jobs lists the newest jobs first: read from this index instead of sorting every job.
CREATE INDEX jobs_created_idx ON jobs (created_at DESC, id);
-- The retention purge finds the webhook deliveries past retention by their time.
CREATE INDEX webhook_deliveries_received_idx ON webhook_deliveries (received_at);
