-- The jobs of a claim whose chunks all have a vector move embedding_in_progress -> embeddings_stored, with their event
-- rows, in one statement; only those the worker still holds (fencing), and only as job_transitions allows.
-- Returns the jobs that moved.
WITH moved AS (
    UPDATE jobs j
       SET status = allowed.to_status,
           updated_at = now()
      FROM unnest(CAST(:job_ids AS uuid[]), CAST(:lease_tokens AS bigint[])) AS held (job_id, lease_token),
           job_transitions allowed
     WHERE j.id = held.job_id
       AND j.status = 'embedding_in_progress'
       AND allowed.from_status = j.status
       AND allowed.to_status = 'embeddings_stored'
       AND j.lease_token = held.lease_token
       AND NOT EXISTS (SELECT 1
                         FROM chunks c
                        WHERE c.document_id = j.document_id
                          AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id))
 RETURNING j.id, j.correlation_id, allowed.from_status, allowed.to_status
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, actor)
SELECT id, correlation_id, from_status, to_status, :actor
  FROM moved
RETURNING job_id
