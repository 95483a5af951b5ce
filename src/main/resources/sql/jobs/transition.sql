-- One compare-and-set move of a job plus its event row, in a single statement:
-- nothing changes unless the job is still in :from_status and, for a worker's move (:lease_token set), the worker
-- still holds the lease of its claim (fencing: a worker whose job was taken over can no longer move it), and the move
-- :from_status -> :to_status is a row of job_transitions (the database refuses any other: nothing changes).
-- :not_before  when the job may be claimed (or, failed, retried) again; NULL: at once (failed: never by itself)
-- Every move clears a budget window the job was parked until (the routes park jobs with jobs/reschedule.sql).
WITH moved AS (
    UPDATE jobs
       SET status            = allowed.to_status,
           updated_at        = now(),
           attempts          = CASE WHEN :reset_attempts THEN 0 ELSE attempts + :attempt_increment END,
           last_error        = COALESCE(CAST(:last_error AS text), last_error),
           not_before        = CAST(:not_before AS timestamptz),
           rescheduled_until = NULL,
           lease_owner       = CASE WHEN :release_lease THEN NULL ELSE lease_owner END,
           lease_expires_at  = CASE WHEN :release_lease THEN NULL ELSE lease_expires_at END,
           lease_token       = CASE WHEN :release_lease THEN NULL ELSE lease_token END,
           parse_ready_at    = CASE WHEN :mark_parse_ready THEN now() ELSE parse_ready_at END
      FROM job_transitions allowed
     WHERE id = :job_id
       AND status = :from_status
       AND allowed.from_status = jobs.status
       AND allowed.to_status = :to_status
       AND (CAST(:lease_token AS bigint) IS NULL OR lease_token = CAST(:lease_token AS bigint))
 RETURNING id, correlation_id, allowed.from_status, allowed.to_status
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, from_status, to_status, :detail, :actor
  FROM moved
