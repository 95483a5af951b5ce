-- A new job starts in 'uploaded'; its first event has no from_status.
WITH created AS (
    INSERT INTO jobs (id, document_id, correlation_id, status)
    VALUES (:job_id, :document_id, :correlation_id, 'uploaded')
    RETURNING id, correlation_id
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, NULL, 'uploaded', :detail, :actor
  FROM created
