SELECT count(*)
  FROM chunks c
 WHERE c.document_id = :document_id
   AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id)
