INSERT INTO webhook_deliveries (event_id, job_id, event_type)
VALUES (:event_id, :job_id, :event_type)
ON CONFLICT (event_id) DO NOTHING
