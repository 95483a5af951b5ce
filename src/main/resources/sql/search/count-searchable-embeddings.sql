-- Every embedding search finds: an index that was never built lacks them all.
SELECT count(*)
  FROM searchable_documents sd
  JOIN chunks c ON c.document_id = sd.id
  JOIN embeddings e ON e.chunk_id = c.id
