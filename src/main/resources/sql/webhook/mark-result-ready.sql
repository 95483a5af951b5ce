-- A webhook said the job's LlamaParse parse ended: the fetch stage may now read its result. A job still in
-- 'uploaded' is being submitted right now (the delivery overtook the upload's answer): the mark waits for it.
UPDATE jobs
   SET parse_ready_at = COALESCE(parse_ready_at, now())
 WHERE id = :job_id
   AND status IN ('uploaded', 'parse_queued')
