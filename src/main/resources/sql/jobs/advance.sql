-- A route's step of its job inside a stage: the job moves on and the worker keeps its lease, as it goes on working
-- on it. Run as `to: sql:classpath:sql/jobs/advance.sql` after the route set the variables from, to and detail; the
-- job is variable job. The guarantees of jobs/fail.sql: one compare-and-set on :from, fenced by the worker's lease
-- token, joined with job_transitions, with its event row; update count 1 when the job moved, 0 when nothing changed.
WITH moved AS (
    UPDATE jobs
       SET status            = allowed.to_status,
           updated_at        = now(),
           not_before        = NULL,
           rescheduled_until = NULL
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
