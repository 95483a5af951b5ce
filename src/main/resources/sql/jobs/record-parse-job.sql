-- Remembers the LlamaParse job of a job that is still waiting to be queued for parsing.
UPDATE jobs
   SET parse_job_id = :parse_job_id
 WHERE id = :job_id
   AND status = 'uploaded'
