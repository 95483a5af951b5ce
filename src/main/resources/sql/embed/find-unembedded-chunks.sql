-- The chunks still without a vector of the given documents, in document order, a window at a time: those after
-- (:after_document, :after_ordinal), at most :limit, so a document of any number of chunks is planned in bounded
-- memory (the first window starts after the nil uuid and ordinal -1).
SELECT c.id, c.document_id, c.ordinal, c.text, c.token_count
  FROM chunks c
 WHERE c.document_id = ANY (CAST(:document_ids AS uuid[]))
   AND (c.document_id, c.ordinal) > (CAST(:after_document AS uuid), CAST(:after_ordinal AS integer))
   AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id)
 ORDER BY c.document_id, c.ordinal
 LIMIT CAST(:limit AS integer)
