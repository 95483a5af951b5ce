-- A delivery for a LlamaParse job docpipe never recorded: if the job has no LlamaParse job and no worker on it (an
-- upload whose answer was lost waits for this webhook), it takes this one, ready to read. No row: not adoptable.
UPDATE jobs
   SET parse_job_id   = :parse_job_id,
       parse_ready_at = now()
 WHERE id = :job_id
   AND parse_job_id IS NULL
   AND status IN ('uploaded', 'parse_queued')
   AND lease_owner IS NULL
RETURNING status
