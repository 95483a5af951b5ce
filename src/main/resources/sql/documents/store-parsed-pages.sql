-- Pages 1.. of a long parsed text (:pages, :texts: arrays), written in the parse stage's transaction before
-- parse/store-parsed.sql stores page 0 and moves the job: only while the worker still holds the job (a worker that
-- lost its lease stops writing here, and the move that follows rolls back what it wrote before). A parse done again
-- overwrites pages by number.
INSERT INTO parsed_text_pages (document_id, page, text)
SELECT j.document_id, p.page, p.text
  FROM jobs j
 CROSS JOIN unnest(CAST(:pages AS integer[]), CAST(:texts AS text[])) AS p (page, text)
 WHERE j.id = :job_id
   AND j.status = 'parse_queued'
   AND (CAST(:lease_token AS bigint) IS NULL OR j.lease_token = CAST(:lease_token AS bigint))
    ON CONFLICT (document_id, page) DO UPDATE SET text = EXCLUDED.text
