-- Duplicates are looked for first, under the upload's locks (lock-upload.sql), in the same transaction.
INSERT INTO documents (id, sha256, filename, media_type, size_bytes, storage_path, source_id, version)
VALUES (:id, :sha256, :filename, :media_type, :size_bytes, :storage_path, :source_id, :version)
