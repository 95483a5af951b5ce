-- Hands out the next version number of a source (1 for a new source).
INSERT INTO sources (source_id, last_version)
VALUES (:source_id, 1)
ON CONFLICT (source_id) DO UPDATE
   SET last_version = sources.last_version + 1,
       updated_at   = now()
RETURNING last_version
