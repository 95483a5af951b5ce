-- Right before a paid call: the worker renews its claims' leases and learns which it still holds (fencing). A job
-- not returned was taken over (or given up): nothing may be paid for it.
UPDATE jobs j
   SET lease_expires_at = now() + make_interval(secs => :lease_seconds)
  FROM unnest(CAST(:job_ids AS uuid[]), CAST(:lease_tokens AS bigint[])) AS held (job_id, lease_token)
 WHERE j.id = held.job_id
   AND j.lease_token = held.lease_token
   AND j.lease_expires_at > now()
RETURNING j.id
