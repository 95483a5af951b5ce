-- Newest first; :status may be null for every status; :dead_only keeps failed jobs no automatic retry will pick up.
SELECT id, document_id, correlation_id, status, attempts, last_error, created_at, updated_at, cost_usd,
       CASE WHEN not_before = 'infinity' THEN rescheduled_until ELSE not_before END AS next_attempt_at,
       rescheduled_until,
       dead, parse_job_id, parse_failed_pages
  FROM jobs
 WHERE (CAST(:status AS text) IS NULL OR status = CAST(:status AS text))
   AND (NOT :dead_only OR dead)
 ORDER BY created_at DESC, id
 LIMIT :limit
