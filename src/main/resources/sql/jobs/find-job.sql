SELECT id, document_id, correlation_id, status, attempts, last_error, created_at, updated_at, cost_usd,
       CASE WHEN not_before = 'infinity' THEN rescheduled_until ELSE not_before END AS next_attempt_at,
       rescheduled_until,
       dead, parse_job_id, parse_failed_pages
  FROM jobs
 WHERE id = :job_id
