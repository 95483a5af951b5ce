-- Leases chunk work for this instance and starts it, in one statement: parsed jobs move to 'chunking' (a
-- compare-and-set under the row lock, with its event row); jobs left in 'chunking' by a worker whose expired lease
-- the reclaim-expired-leases sweep has freed are taken over as they are. Each claim takes a new fencing token.
-- Both are rows of job_transitions (parsed -> chunking, chunking -> chunking): a job whose move is not is left alone.
-- Run by the SQL consumer of route claim-chunk-work; SKIP LOCKED lets several instances claim side by side.
WITH picked AS (
    SELECT id, status
      FROM jobs
     WHERE status IN ('parsed', 'chunking')
       AND lease_owner IS NULL
       AND (not_before IS NULL OR not_before <= now())
     ORDER BY updated_at
     LIMIT CAST(:#${properties:docpipe.chunk.claim-batch-size} AS integer)
       FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE jobs j
       SET status = allowed.to_status,
           updated_at = now(),
           lease_owner = :#${properties:docpipe.instance-id},
           lease_expires_at = now() + make_interval(secs => CAST(:#${properties:docpipe.lease-seconds} AS integer)),
           leased_at = now(),
           lease_token = nextval('job_lease_tokens')
      FROM picked p
      JOIN job_transitions allowed ON allowed.from_status = p.status AND allowed.to_status = 'chunking'
     WHERE j.id = p.id
 RETURNING j.id, j.document_id, j.correlation_id, j.status, j.lease_token, p.status AS claimed_status
), started AS (
    INSERT INTO job_events (job_id, correlation_id, from_status, to_status, actor)
    SELECT id, correlation_id, 'parsed', 'chunking', :#${properties:docpipe.instance-id}
      FROM claimed
     WHERE claimed_status = 'parsed'
)
SELECT id, document_id, correlation_id, status, lease_token, claimed_status
  FROM claimed
