-- Leases embed work for this instance and starts it, in one statement: jobs queued for embedding move to
-- 'embedding_in_progress' (a compare-and-set under the row lock, with its event row); jobs left mid-embedding by a
-- worker whose expired lease the reclaim-expired-leases sweep has freed, or stored but not yet completed, are taken
-- over as they are (chunks_stored ones are started by the stage). Each claim takes a new fencing token.
-- Each is a row of job_transitions (a move, or a stay for a job taken over): a job whose move is not is left alone.
-- Run by the SQL consumer of route claim-embed-work; the jobs of one claim are embedded together.
WITH picked AS (
    SELECT id, status
      FROM jobs
     WHERE status IN ('chunks_stored', 'embedding_queued', 'embedding_in_progress', 'embeddings_stored')
       AND lease_owner IS NULL
       AND (not_before IS NULL OR not_before <= now())
     ORDER BY updated_at
     LIMIT CAST(:#${properties:docpipe.embed.claim-batch-size} AS integer)
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
      JOIN job_transitions allowed
        ON allowed.from_status = p.status
       AND allowed.to_status = CASE WHEN p.status = 'embedding_queued' THEN 'embedding_in_progress' ELSE p.status END
     WHERE j.id = p.id
 RETURNING j.id, j.document_id, j.correlation_id, j.status, j.lease_token, p.status AS claimed_status
), started AS (
    INSERT INTO job_events (job_id, correlation_id, from_status, to_status, actor)
    SELECT id, correlation_id, 'embedding_queued', 'embedding_in_progress', :#${properties:docpipe.instance-id}
      FROM claimed
     WHERE claimed_status = 'embedding_queued'
)
SELECT id, document_id, correlation_id, status, lease_token, claimed_status
  FROM claimed
