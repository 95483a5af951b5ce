-- Documents whose jobs are still on their way to complete (failed jobs a retry will pick up included, dead and
-- cancelled ones not).
SELECT count(*)
  FROM jobs j
  JOIN documents d ON d.id = j.document_id
 WHERE j.status NOT IN ('complete', 'cancelled')
   AND NOT j.dead
   AND d.deleted_at IS NULL
