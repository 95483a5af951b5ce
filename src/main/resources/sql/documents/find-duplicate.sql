-- An upload without a source_id repeats a live document with the same bytes (one without a source first), unless
-- that document is a version a newer one has replaced.
SELECT d.id AS document_id, j.id AS job_id, j.correlation_id, j.status, d.source_id, d.version
  FROM documents d
  JOIN jobs j ON j.document_id = d.id
  LEFT JOIN sources s ON s.source_id = d.source_id
 WHERE d.sha256 = :sha256
   AND d.deleted_at IS NULL
   AND (d.source_id IS NULL OR s.current_version IS NULL OR d.version >= s.current_version)
 ORDER BY d.source_id IS NULL DESC, d.created_at DESC
 LIMIT 1
