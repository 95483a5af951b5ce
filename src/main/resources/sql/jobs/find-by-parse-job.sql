SELECT id, document_id, correlation_id, status, parse_job_id
  FROM jobs
 WHERE parse_job_id = :parse_job_id
