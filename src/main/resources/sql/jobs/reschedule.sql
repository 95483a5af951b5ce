-- A route's job is parked until a budget window opens (variable until, an instant): no claim takes it (not_before
-- 'infinity') until the release sweep has seen the window open; no attempt is spent, the lease is released. Run as
-- `to: sql:classpath:sql/jobs/reschedule.sql` after the route set the variables from, to (the state it waits in: the
-- same, or embedding_queued for a job in embedding_in_progress), detail and until; the job is variable job. The
-- guarantees of jobs/fail.sql: one compare-and-set on :from, fenced by the worker's lease token, joined with
-- job_transitions, with its event row; update count 1 when the job moved, 0 when nothing changed.
WITH moved AS (
    UPDATE jobs
       SET status            = allowed.to_status,
           updated_at        = now(),
           not_before        = CAST('infinity' AS timestamptz),
           rescheduled_until = CAST(:#${variable.until} AS timestamptz),
           lease_owner       = NULL,
           lease_expires_at  = NULL,
           lease_token       = NULL
      FROM job_transitions allowed
     WHERE id = :#${variable.job.id}
       AND status = :#${variable.from}
       AND allowed.from_status = jobs.status
       AND allowed.to_status = :#${variable.to}
       AND (CAST(:#${variable.job.leaseToken} AS bigint) IS NULL
            OR lease_token = CAST(:#${variable.job.leaseToken} AS bigint))
 RETURNING id, correlation_id, allowed.from_status, allowed.to_status
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, from_status, to_status, left(:#${variable.detail}, 2000), :#${properties:docpipe.instance-id}
  FROM moved
