-- The deleted document was its source's current version: none is searchable until a newer version completes
-- (current_version stays, so no older version comes back).
UPDATE sources
   SET current_document_id = NULL,
       updated_at          = now()
 WHERE source_id = :source_id
   AND current_document_id = :document_id
