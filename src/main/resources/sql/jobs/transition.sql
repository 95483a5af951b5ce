-- One compare-and-set move of a job plus its event row, in a single statement:
-- nothing changes unless the job is still in :from_status.
WITH moved AS (
    UPDATE jobs
       SET status           = :to_status,
           updated_at       = now(),
           attempts         = attempts + :attempt_increment,
           last_error       = COALESCE(CAST(:last_error AS text), last_error),
           not_before       = CAST(:not_before AS timestamptz),
           lease_owner      = CASE WHEN :release_lease THEN NULL ELSE lease_owner END,
           lease_expires_at = CASE WHEN :release_lease THEN NULL ELSE lease_expires_at END
     WHERE id = :job_id
       AND status = :from_status
 RETURNING id, correlation_id
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, :from_status, :to_status, :detail, :actor
  FROM moved
