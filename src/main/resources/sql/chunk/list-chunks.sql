SELECT c.ordinal, c.text, c.token_count, e.provider, e.model, e.dimensions
  FROM chunks c
  LEFT JOIN embeddings e ON e.chunk_id = c.id
 WHERE c.document_id = :document_id
 ORDER BY c.ordinal
