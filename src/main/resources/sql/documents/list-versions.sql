-- The live versions of a source, newest first, with their jobs' states and which one search uses.
SELECT d.id AS document_id, d.version, d.filename, d.media_type, d.size_bytes, d.created_at,
       j.id AS job_id, j.status, COALESCE(s.current_document_id = d.id, false) AS current
  FROM documents d
  JOIN jobs j ON j.document_id = d.id
  JOIN sources s ON s.source_id = d.source_id
 WHERE d.source_id = :source_id
   AND d.deleted_at IS NULL
 ORDER BY d.version DESC
