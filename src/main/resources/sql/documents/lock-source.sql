-- The source's current version, locked until the transaction ends: completions and deletes of its versions queue.
SELECT current_document_id, current_version
  FROM sources
 WHERE source_id = :source_id
   FOR UPDATE
