SELECT id, document_id, correlation_id, status, attempts, last_error, created_at, updated_at, cost_usd
  FROM jobs
 WHERE id = :job_id
