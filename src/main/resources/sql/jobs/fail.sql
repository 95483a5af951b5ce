-- A route's move of its job into a failed state, for good (no automatic retry; a person may retry it): the attempt
-- is counted, the error kept, the lease released. Run as `to: sql:classpath:sql/jobs/fail.sql` after the route set
-- the variables from, to and detail (the error); the job is variable job. The same guarantees as jobs/transition.sql:
-- one statement (so one transaction) that changes the job only while it is still in :from and, for a worker's move,
-- still carries the worker's lease token (a job taken over is no longer this worker's to move); only when from -> to
-- is a row of job_transitions (the database refuses any other move); with its event row, the job's correlation id
-- in it. The update count (header CamelSqlUpdateCount) is 1 when the job moved, 0 when nothing changed.
WITH moved AS (
    UPDATE jobs
       SET status            = allowed.to_status,
           updated_at        = now(),
           attempts          = attempts + 1,
           last_error        = left(:#${variable.detail}, 2000),
           not_before        = NULL,
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
