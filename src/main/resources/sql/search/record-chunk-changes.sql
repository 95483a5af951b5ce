-- The documents of re-embedded chunks changed in this transaction: every instance's index will re-read them.
INSERT INTO search_changes (document_id)
SELECT DISTINCT document_id
  FROM chunks
 WHERE id IN (:chunk_ids)
