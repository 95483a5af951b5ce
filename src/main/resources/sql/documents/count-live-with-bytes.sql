-- Live documents that still use a stored file (other versions or sources with the same bytes).
SELECT count(*)
  FROM documents
 WHERE sha256 = :sha256
   AND deleted_at IS NULL
