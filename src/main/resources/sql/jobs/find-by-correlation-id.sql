SELECT id, document_id, correlation_id, status, parse_job_id
  FROM jobs
 WHERE correlation_id = :correlation_id
