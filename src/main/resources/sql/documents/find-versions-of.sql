-- The source and version of documents whose jobs just completed, in the order their sources are locked in (those
-- without a source first): every worker locks in this one order, so none waits for another in a circle.
SELECT id, source_id, version
  FROM documents
 WHERE id = ANY (CAST(:document_ids AS uuid[]))
 ORDER BY source_id NULLS FIRST, id
