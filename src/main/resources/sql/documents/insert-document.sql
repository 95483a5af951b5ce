INSERT INTO documents (id, sha256, filename, media_type, size_bytes, storage_path)
VALUES (:id, :sha256, :filename, :media_type, :size_bytes, :storage_path)
ON CONFLICT (sha256) DO NOTHING
