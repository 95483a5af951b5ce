-- Leases parse work for this instance: new uploads, and queued jobs that no external parser holds
-- (a worker died between queueing and submitting), whose lease is free (the reclaim-expired-leases sweep frees
-- expired ones) and whose time has come.
-- Run by the SQL consumer of route claim-parse-work; SKIP LOCKED lets several instances claim side by side.
-- A result mark left from an earlier submission is dropped: a webhook of the submission about to be made sets it anew.
UPDATE jobs
   SET parse_ready_at = NULL,
       lease_owner = :#${properties:docpipe.instance-id},
       lease_expires_at = now() + make_interval(secs => CAST(:#${properties:docpipe.lease-seconds} AS integer)),
       leased_at = now(),
       lease_token = nextval('job_lease_tokens')
 WHERE id IN (
       SELECT id
         FROM jobs
        WHERE (status = 'uploaded' OR (status = 'parse_queued' AND parse_job_id IS NULL))
          AND lease_owner IS NULL
          AND (not_before IS NULL OR not_before <= now())
        ORDER BY updated_at
        LIMIT CAST(:#${properties:docpipe.parse.claim-batch-size} AS integer)
          FOR UPDATE SKIP LOCKED)
RETURNING id, document_id, correlation_id, status, lease_token
