-- Leases chunk work for this instance: parsed jobs, and jobs left in 'chunking' by a worker whose expired lease
-- the reclaim-expired-leases sweep has freed.
-- Run by the SQL consumer of route claim-chunk-work.
UPDATE jobs
   SET lease_owner = :#${properties:docpipe.instance-id},
       lease_expires_at = now() + make_interval(secs => CAST(:#${properties:docpipe.lease-seconds} AS integer)),
       leased_at = now(),
       lease_token = nextval('job_lease_tokens')
 WHERE id IN (
       SELECT id
         FROM jobs
        WHERE status IN ('parsed', 'chunking')
          AND lease_owner IS NULL
          AND (not_before IS NULL OR not_before <= now())
        ORDER BY updated_at
        LIMIT CAST(:#${properties:docpipe.chunk.claim-batch-size} AS integer)
          FOR UPDATE SKIP LOCKED)
RETURNING id, document_id, correlation_id, status, lease_token
