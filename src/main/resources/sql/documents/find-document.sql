SELECT id, sha256, filename, media_type, size_bytes, storage_path, parsed_content
  FROM documents
 WHERE id = :id
