-- The row stays (its job shows how it ended); the content goes. Chunks are deleted with their embeddings.
WITH gone AS (
    DELETE FROM chunks WHERE document_id = :document_id
)
UPDATE documents
   SET deleted_at     = now(),
       parsed_content = NULL
 WHERE id = :document_id
