-- A job's chunks stored and the job moved chunking -> chunks_stored, with the event row, in one statement: only while
-- the worker still holds the job (its fencing token). A long document's earlier chunks were stored before in the same
-- transaction (chunk/store-chunk-batch.sql): these are its last ones, :chunk_count its chunks in all. A job taken over
-- after an earlier worker stored its chunks (deterministic, so the same ones) overwrites them by ordinal and drops any
-- beyond the new count.
-- No row back: nothing changed. The move is a row of job_transitions, or the database refuses it.
WITH moved AS (
    UPDATE jobs
       SET status = allowed.to_status,
           updated_at = now()
      FROM job_transitions allowed
     WHERE id = :job_id
       AND status = 'chunking'
       AND allowed.from_status = jobs.status
       AND allowed.to_status = 'chunks_stored'
       AND lease_token = :lease_token
 RETURNING id, correlation_id, allowed.from_status, allowed.to_status
), stored AS (
    INSERT INTO chunks (document_id, ordinal, text, token_count)
    SELECT :document_id, c.ordinal, c.text, c.token_count
      FROM unnest(CAST(:ordinals AS integer[]), CAST(:texts AS text[]), CAST(:token_counts AS integer[]))
           AS c (ordinal, text, token_count)
     WHERE EXISTS (SELECT 1 FROM moved)
        ON CONFLICT (document_id, ordinal) DO UPDATE SET text = EXCLUDED.text, token_count = EXCLUDED.token_count
), surplus AS (
    DELETE FROM chunks
     WHERE document_id = :document_id
       AND ordinal >= :chunk_count
       AND EXISTS (SELECT 1 FROM moved)
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, from_status, to_status, :detail, :actor
  FROM moved
RETURNING job_id
