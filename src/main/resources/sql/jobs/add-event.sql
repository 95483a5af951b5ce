-- An event row in a route's job's log that changes nothing (the mock standing in for a provider over budget). Run as
-- `to: sql:classpath:sql/jobs/add-event.sql` after the route set variable detail; the job is variable job.
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, status, status, left(:#${variable.detail}, 2000), :#${properties:docpipe.instance-id}
  FROM jobs
 WHERE id = :#${variable.job.id}
