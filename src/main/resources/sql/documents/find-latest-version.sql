-- The newest live version of a source, unless a newer one completed and was deleted since (then it is replaced:
-- uploading its bytes again makes a new version).
SELECT d.id AS document_id, d.sha256, j.id AS job_id, j.correlation_id, j.status, d.source_id, d.version
  FROM documents d
  JOIN jobs j ON j.document_id = d.id
  JOIN sources s ON s.source_id = d.source_id
 WHERE d.source_id = :source_id
   AND d.deleted_at IS NULL
   AND (s.current_version IS NULL OR d.version >= s.current_version)
 ORDER BY d.version DESC
 LIMIT 1
