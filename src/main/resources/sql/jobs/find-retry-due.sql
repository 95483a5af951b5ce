-- Failed jobs whose next attempt is due (a failed job without a next attempt is dead and waits for a person).
SELECT id, document_id, correlation_id, status, attempts, parse_job_id
  FROM jobs
 WHERE status IN ('failed_parse', 'failed_chunking', 'failed_embedding')
   AND not_before <= now()
 ORDER BY not_before
 LIMIT :limit
