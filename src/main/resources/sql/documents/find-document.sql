SELECT id, sha256, filename, media_type, size_bytes, storage_path, source_id, version,
       deleted_at IS NOT NULL AS deleted
  FROM documents
 WHERE id = :id
