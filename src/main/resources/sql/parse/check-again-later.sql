-- LlamaParse is still working on the job: it is not ready any more, the overdue poll looks again after
-- docpipe.llamaparse.poll-interval-seconds (a webhook may come first), and the fetch stage's lease is released.
-- Its status does not change, so it writes no event (a long parse would fill the log).
-- Run by route fetch-parse-result through the SQL producer, for variable job; only while the worker still holds it.
UPDATE jobs
   SET parse_ready_at   = NULL,
       parse_poll_at    = now() + make_interval(secs => CAST(:#${properties:docpipe.llamaparse.poll-interval-seconds} AS integer)),
       lease_owner      = NULL,
       lease_expires_at = NULL,
       lease_token      = NULL
 WHERE id = :#${variable.job.id}
   AND status = 'parse_queued'
   AND lease_token = :#${variable.job.leaseToken}
