-- Leases parse jobs whose LlamaParse result is ready to read (a webhook came, or the overdue poll marked them),
-- oldest mark first. Run by the SQL consumer of route claim-fetch-work; SKIP LOCKED lets instances claim side by side.
UPDATE jobs
   SET lease_owner = :#${properties:docpipe.instance-id},
       lease_expires_at = now() + make_interval(secs => CAST(:#${properties:docpipe.lease-seconds} AS integer)),
       leased_at = now(),
       lease_token = nextval('job_lease_tokens')
 WHERE id IN (
       SELECT id
         FROM jobs
        WHERE status = 'parse_queued'
          AND parse_ready_at IS NOT NULL
          AND parse_job_id IS NOT NULL
          AND lease_owner IS NULL
          AND (not_before IS NULL OR not_before <= now())
        ORDER BY parse_ready_at
        LIMIT CAST(:#${properties:docpipe.fetch.claim-batch-size} AS integer)
          FOR UPDATE SKIP LOCKED)
RETURNING id, document_id, correlation_id, status, lease_token
