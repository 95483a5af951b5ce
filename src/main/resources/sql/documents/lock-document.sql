-- A document about to be deleted, locked: stage transactions writing for it (chunks, parsed text) finish first.
SELECT d.id, d.sha256, d.storage_path, d.source_id, d.deleted_at IS NOT NULL AS deleted, j.id AS job_id
  FROM documents d
  JOIN jobs j ON j.document_id = d.id
 WHERE d.id = :document_id
   FOR UPDATE OF d
