-- The jobs of a claim whose chunks all have a vector move embedding_in_progress -> embeddings_stored, with their event
-- rows, in one statement; only those the worker still holds (fencing). Returns the jobs that moved.
WITH moved AS (
    UPDATE jobs j
       SET status = 'embeddings_stored',
           updated_at = now()
      FROM unnest(CAST(:job_ids AS uuid[]), CAST(:lease_tokens AS bigint[])) AS held (job_id, lease_token)
     WHERE j.id = held.job_id
       AND j.status = 'embedding_in_progress'
       AND j.lease_token = held.lease_token
       AND NOT EXISTS (SELECT 1
                         FROM chunks c
                        WHERE c.document_id = j.document_id
                          AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id))
 RETURNING j.id, j.correlation_id
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, actor)
SELECT id, correlation_id, 'embedding_in_progress', 'embeddings_stored', :actor
  FROM moved
RETURNING job_id
