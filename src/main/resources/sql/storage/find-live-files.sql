-- Which of these stored files (by SHA-256) live documents still use: the purge-orphaned-files sweep keeps them.
SELECT DISTINCT sha256
  FROM documents
 WHERE sha256 = ANY (CAST(:sha256s AS text[]))
   AND deleted_at IS NULL
