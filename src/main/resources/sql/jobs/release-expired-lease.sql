-- Frees the lease of a worker that did not finish in time (it died, hung or lost the database), counting the
-- interrupted attempt, and notes it in the job's event log. Nothing happens if the lease was renewed or released.
WITH released AS (
    UPDATE jobs
       SET lease_owner = NULL,
           lease_expires_at = NULL,
           lease_token = NULL,
           attempts = attempts + 1,
           updated_at = now()
     WHERE id = :job_id
       AND status = :status
       AND lease_owner = :lease_owner
       AND lease_expires_at < now()
 RETURNING id, correlation_id, status, attempts
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, status, status,
       'lease of ' || CAST(:lease_owner AS text) || ' expired; released for another worker (attempt ' || attempts || ')',
       :actor
  FROM released
RETURNING job_id
