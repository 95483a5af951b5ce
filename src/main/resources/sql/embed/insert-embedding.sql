-- A chunk has one embedding: a retried or reclaimed batch never adds a second row.
-- Nothing is stored for a deleted document: its job is cancelled first (in the deleting transaction), and the
-- chunk's row is key-share locked, so a delete that is removing it right now is waited for and then finds nothing.
INSERT INTO embeddings (chunk_id, provider, model, dimensions, vector, fallback)
SELECT c.id, :provider, :model, :dimensions, :vector, :fallback
  FROM chunks c
  JOIN jobs j ON j.document_id = c.document_id
 WHERE c.id = :chunk_id
   AND j.status <> 'cancelled'
   FOR KEY SHARE OF c
ON CONFLICT (chunk_id) DO NOTHING
