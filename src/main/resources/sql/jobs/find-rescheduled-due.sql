-- Jobs rescheduled for a budget window that has opened by :now (the budget clock's time), and jobs of a service
-- whose daily budget has been raised since they were rescheduled (:llamaparse_raised, :openai_raised): a job waits
-- for LlamaParse in uploaded, for OpenAI in embedding_queued.
SELECT id, document_id, correlation_id, status, rescheduled_until, rescheduled_until <= :now AS window_opened
  FROM jobs
 WHERE rescheduled_until <= :now
    OR (rescheduled_until IS NOT NULL AND status = 'uploaded' AND :llamaparse_raised)
    OR (rescheduled_until IS NOT NULL AND status = 'embedding_queued' AND :openai_raised)
 ORDER BY rescheduled_until
 LIMIT :limit
