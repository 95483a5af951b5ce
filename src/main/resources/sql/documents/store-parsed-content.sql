-- The parse stage's output, stored in the transaction that moves the job to parsed; a deleted document takes none.
UPDATE documents
   SET parsed_content = :parsed_content,
       parse_provider = :parse_provider,
       parse_pages    = CAST(:parse_pages AS integer),
       parse_credits  = CAST(:parse_credits AS numeric)
 WHERE id = :id
   AND deleted_at IS NULL
