-- One compare-and-set move of a job plus its event row, in a single statement:
-- nothing changes unless the job is still in :from_status.
-- :not_before  when the job may be claimed (or, failed, retried) again; NULL: at once (failed: never by itself)
-- :parked_until a budget window: the job waits with not_before 'infinity' until the release sweep sees it open
WITH moved AS (
    UPDATE jobs
       SET status            = :to_status,
           updated_at        = now(),
           attempts          = CASE WHEN :reset_attempts THEN 0 ELSE attempts + :attempt_increment END,
           last_error        = COALESCE(CAST(:last_error AS text), last_error),
           not_before        = CASE WHEN CAST(:parked_until AS timestamptz) IS NOT NULL
                                    THEN CAST('infinity' AS timestamptz)
                                    ELSE CAST(:not_before AS timestamptz) END,
           rescheduled_until = CAST(:parked_until AS timestamptz),
           lease_owner       = CASE WHEN :release_lease THEN NULL ELSE lease_owner END,
           lease_expires_at  = CASE WHEN :release_lease THEN NULL ELSE lease_expires_at END
     WHERE id = :job_id
       AND status = :from_status
 RETURNING id, correlation_id
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, :from_status, :to_status, :detail, :actor
  FROM moved
