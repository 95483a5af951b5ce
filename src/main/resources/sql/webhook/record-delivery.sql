-- Remembers a delivery's event id; no row back: this event was recorded before (a redelivery).
INSERT INTO webhook_deliveries (event_id, job_id, event_type, parse_job_id)
VALUES (:event_id, :job_id, :event_type, :parse_job_id)
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id
