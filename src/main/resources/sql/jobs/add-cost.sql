UPDATE jobs
   SET cost_usd = cost_usd + :cost_usd,
       embedding_tokens = embedding_tokens + :embedding_tokens
 WHERE id = :job_id
