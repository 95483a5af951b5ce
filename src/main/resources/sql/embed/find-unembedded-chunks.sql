-- The chunks still without a vector of the given documents, in document order.
SELECT c.id, c.document_id, c.text, c.token_count
  FROM chunks c
 WHERE c.document_id = ANY (CAST(:document_ids AS uuid[]))
   AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id)
 ORDER BY c.document_id, c.ordinal
