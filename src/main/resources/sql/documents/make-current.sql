UPDATE sources
   SET current_document_id = :document_id,
       current_version     = :version,
       updated_at          = now()
 WHERE source_id = :source_id
