-- As count-pending-documents.sql, among the given documents.
SELECT count(*)
  FROM jobs j
  JOIN documents d ON d.id = j.document_id
 WHERE j.status NOT IN ('complete', 'cancelled')
   AND NOT j.dead
   AND d.deleted_at IS NULL
   AND d.id IN (:document_ids)
