-- Locks a job's row until the end of the transaction (a stage's transaction holding it finishes first).
SELECT status
  FROM jobs
 WHERE id = :job_id
   FOR UPDATE
