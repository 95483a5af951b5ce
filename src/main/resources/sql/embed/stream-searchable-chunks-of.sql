-- The searchable chunks, with their vectors, of documents whose searchable state changed (none for a document no
-- longer searchable).
SELECT c.id AS chunk_id, sd.id AS document_id, sd.filename, sd.source_id, c.ordinal, c.text,
       e.provider, e.model, e.fallback, e.vector
  FROM searchable_documents sd
  JOIN chunks c ON c.document_id = sd.id
  JOIN embeddings e ON e.chunk_id = c.id
 WHERE sd.id IN (:document_ids)
