-- The same compare-and-set move for several jobs a worker holds, each with its event row, in one statement:
-- a job moves only if it is still in :from_status and still carries the worker's lease token (NULL: a job acted on
-- without a claim), and only if :from_status -> :to_status is a row of job_transitions (the database refuses any
-- other move). Returns the jobs that moved.
WITH moved AS (
    UPDATE jobs j
       SET status           = allowed.to_status,
           updated_at       = now(),
           lease_owner      = CASE WHEN :release_lease THEN NULL ELSE j.lease_owner END,
           lease_expires_at = CASE WHEN :release_lease THEN NULL ELSE j.lease_expires_at END,
           lease_token      = CASE WHEN :release_lease THEN NULL ELSE j.lease_token END,
           not_before       = NULL
      FROM unnest(CAST(:job_ids AS uuid[]), CAST(:lease_tokens AS bigint[])) AS held (job_id, lease_token),
           job_transitions allowed
     WHERE j.id = held.job_id
       AND j.status = :from_status
       AND allowed.from_status = j.status
       AND allowed.to_status = :to_status
       AND (held.lease_token IS NULL OR j.lease_token = held.lease_token)
 RETURNING j.id, j.correlation_id, allowed.from_status, allowed.to_status
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, from_status, to_status, :detail, :actor
  FROM moved
RETURNING job_id
