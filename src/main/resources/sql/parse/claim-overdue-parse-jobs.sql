-- Leases LlamaParse jobs whose webhook is overdue, to ask LlamaParse for their status instead.
-- Run by the sweep poll-overdue-parse-jobs (routes/sweeps.yaml) through the SQL producer.
UPDATE jobs
   SET lease_owner = :#${properties:docpipe.instance-id},
       lease_expires_at = now() + make_interval(secs => CAST(:#${properties:docpipe.lease-seconds} AS integer))
 WHERE id IN (
       SELECT id
         FROM jobs
        WHERE status = 'parse_queued'
          AND parse_job_id IS NOT NULL
          AND updated_at < now() - make_interval(secs => CAST(:#${properties:docpipe.llamaparse.webhook-wait-seconds} AS integer))
          AND lease_owner IS NULL
          AND (not_before IS NULL OR not_before <= now())
        ORDER BY updated_at
        LIMIT CAST(:#${properties:docpipe.parse.claim-batch-size} AS integer)
          FOR UPDATE SKIP LOCKED)
RETURNING id, document_id, correlation_id, status, parse_job_id
