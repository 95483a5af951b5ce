-- A batch of a long document's chunks, stored in the chunk stage's transaction before chunk/store-chunks.sql stores
-- the last batch and moves the job: only while the worker still holds the job (its fencing token), so a worker that
-- lost it stops writing here, and the move it never makes rolls back what it wrote before. Overwrites by ordinal, as
-- a job taken over cuts the same chunks again. No row written: the job was taken over.
INSERT INTO chunks (document_id, ordinal, text, token_count)
SELECT :document_id, c.ordinal, c.text, c.token_count
  FROM unnest(CAST(:ordinals AS integer[]), CAST(:texts AS text[]), CAST(:token_counts AS integer[]))
       AS c (ordinal, text, token_count)
 WHERE EXISTS (SELECT 1
                 FROM jobs
                WHERE id = :job_id
                  AND status = 'chunking'
                  AND lease_token = :lease_token)
    ON CONFLICT (document_id, ordinal) DO UPDATE SET text = EXCLUDED.text, token_count = EXCLUDED.token_count
