-- Parse jobs whose next poll is due (LlamaParse was still working on them when asked) or, never asked, whose webhook
-- is overdue (docpipe.llamaparse.webhook-wait-seconds after submission): marked ready, so the fetch stage asks LlamaParse. No call here.
-- Run by the sweep poll-overdue-parse-jobs through the SQL producer.
UPDATE jobs
   SET parse_ready_at = now()
 WHERE id IN (
       SELECT id
         FROM jobs
        WHERE status = 'parse_queued'
          AND parse_ready_at IS NULL
          AND parse_job_id IS NOT NULL
          AND (parse_poll_at <= now()
               OR parse_poll_at IS NULL
                  AND updated_at < now() - make_interval(secs => CAST(:#${properties:docpipe.llamaparse.webhook-wait-seconds} AS integer)))
        ORDER BY updated_at
        LIMIT CAST(:#${properties:docpipe.sweeps.batch-size} AS integer)
          FOR UPDATE SKIP LOCKED)
