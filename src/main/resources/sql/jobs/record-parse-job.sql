-- Remembers the LlamaParse job a worker's upload created, while the worker still holds the job (fencing) and no
-- LlamaParse job is known for it yet ('parse_queued' without one: a mock parse that died, or a switch of mode).
UPDATE jobs
   SET parse_job_id = :parse_job_id
 WHERE id = :job_id
   AND status IN ('uploaded', 'parse_queued')
   AND parse_job_id IS NULL
   AND lease_token = :lease_token
