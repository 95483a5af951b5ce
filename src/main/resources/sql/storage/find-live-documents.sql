-- Every stored file live documents use, once, with the media type and name of the first document that stored it:
-- what the migration of a local store into a bucket copies.
SELECT DISTINCT ON (sha256) sha256, storage_path, media_type, filename, size_bytes
  FROM documents
 WHERE deleted_at IS NULL
 ORDER BY sha256, created_at
