-- Newest first; :status may be null for every status.
SELECT id, document_id, correlation_id, status, attempts, last_error, created_at, updated_at, cost_usd
  FROM jobs
 WHERE CAST(:status AS text) IS NULL OR status = CAST(:status AS text)
 ORDER BY created_at DESC, id
 LIMIT :limit
