-- What a job's calls cost; a cancelled job (its document deleted) takes no more writes (the ledger keeps the spend).
UPDATE jobs
   SET cost_usd = cost_usd + :cost_usd,
       embedding_tokens = embedding_tokens + :embedding_tokens
 WHERE id = :job_id
   AND status <> 'cancelled'
