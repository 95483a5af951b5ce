-- Every searchable chunk with its vector: what a search index is rebuilt from.
SELECT c.id AS chunk_id, sd.id AS document_id, sd.filename, sd.source_id, c.ordinal, c.text,
       e.provider, e.model, e.fallback, e.vector
  FROM searchable_documents sd
  JOIN chunks c ON c.document_id = sd.id
  JOIN embeddings e ON e.chunk_id = c.id
