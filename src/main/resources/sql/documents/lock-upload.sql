-- Serialises the uploads (and the stored-file removals of deletes) that share a key until the transaction ends:
-- 'source:<source_id>' for the versions of one source, 'bytes:<sha256>' for one stored file.
SELECT 1
  FROM (SELECT pg_advisory_xact_lock(hashtextextended(:lock_key, 0))) AS locked
