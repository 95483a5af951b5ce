UPDATE embeddings
   SET provider   = :provider,
       model      = :model,
       dimensions = :dimensions,
       vector     = :vector,
       fallback   = :fallback,
       created_at = now()
 WHERE chunk_id = :chunk_id
   AND fallback
