-- Whether documents are on their way through the pipeline (uploaded, or in a stage); failed jobs waiting for a retry
-- and dead ones are not. The search index rests between slices of indexing meanwhile.
SELECT EXISTS (SELECT 1
                 FROM jobs
                WHERE status NOT IN ('complete', 'cancelled', 'failed_parse', 'failed_chunking', 'failed_embedding')
                  AND NOT dead)
