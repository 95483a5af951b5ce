INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, status, status, :detail, :actor
  FROM jobs
 WHERE id = :job_id
