-- LlamaParse is still working on the job: it is not ready any more, the overdue poll looks again after
-- :poll_seconds (a webhook may come first), and the fetch stage's lease is released. Its status does not change.
UPDATE jobs
   SET parse_ready_at   = NULL,
       parse_poll_at    = now() + make_interval(secs => :poll_seconds),
       lease_owner      = NULL,
       lease_expires_at = NULL,
       lease_token      = NULL
 WHERE id = :job_id
   AND status = 'parse_queued'
   AND lease_token = :lease_token
