-- The row stays (its job shows how it ended); the content goes. Chunks are deleted with their embeddings, and the
-- parsed text's pages.
WITH gone AS (
    DELETE FROM chunks WHERE document_id = :document_id
), text_gone AS (
    DELETE FROM parsed_text_pages WHERE document_id = :document_id
)
UPDATE documents
   SET deleted_at = now()
 WHERE id = :document_id
