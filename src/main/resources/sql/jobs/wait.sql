-- A route's job waits in its queue state until variable until (an instant, ISO-8601 text) without spending an
-- attempt: the provider asked for a pause, or its circuit is open. No claim takes it before then; the lease is
-- released. Run as `to: sql:classpath:sql/jobs/wait.sql` after the route set the variables from, to (the state it
-- waits in: the same, or embedding_queued for a job in embedding_in_progress), detail and until; the job is variable
-- job. The guarantees of jobs/fail.sql: one compare-and-set on :from, fenced by the worker's lease token, joined with
-- job_transitions (rows (s, s) say where a job may wait), with its event row; update count 1 when the job moved.
WITH moved AS (
    UPDATE jobs
       SET status            = allowed.to_status,
           updated_at        = now(),
           not_before        = CAST(:#${variable.until} AS timestamptz),
           rescheduled_until = NULL,
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
