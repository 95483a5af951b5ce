SELECT c.id, c.text, c.token_count
  FROM embeddings e
  JOIN chunks c ON c.id = e.chunk_id
 WHERE e.fallback
 ORDER BY e.created_at, c.id
 LIMIT :limit
