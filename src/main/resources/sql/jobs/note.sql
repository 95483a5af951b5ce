-- An event row that changes nothing: something the job's log should show (a budget alert, the mock standing in).
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, status, status, :detail, :actor
  FROM jobs
 WHERE id = :job_id
