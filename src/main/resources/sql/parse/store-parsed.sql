-- A parser's text stored and its job moved parse_queued -> parsed (lease released for the chunk stage), with the
-- event row, in one statement: only while the worker still holds the job (its fencing token), so a worker that lost
-- it writes nothing. :first_page is the text's page 0; a text of more pages (:page_count) had pages 1.. written
-- before, in the same transaction (documents/store-parsed-pages.sql); pages of an earlier parse past the new count
-- are dropped. :failed_pages: page numbers the parser could not parse (an array literal such as '{2,5}'), or NULL.
-- No row back: nothing changed (the caller rolls back the pages it wrote). The move is a row of job_transitions, or
-- the database refuses it.
WITH moved AS (
    UPDATE jobs
       SET status             = allowed.to_status,
           parse_failed_pages = CAST(:failed_pages AS integer[]),
           updated_at         = now(),
           not_before         = NULL,
           lease_owner        = NULL,
           lease_expires_at   = NULL,
           lease_token        = NULL
      FROM job_transitions allowed
     WHERE id = :job_id
       AND status = 'parse_queued'
       AND allowed.from_status = jobs.status
       AND allowed.to_status = 'parsed'
       AND (CAST(:lease_token AS bigint) IS NULL OR lease_token = CAST(:lease_token AS bigint))
 RETURNING id, document_id, correlation_id, allowed.from_status, allowed.to_status
), stored AS (
    UPDATE documents d
       SET parse_provider = :parse_provider,
           parse_pages    = CAST(:parse_pages AS integer),
           parse_credits  = CAST(:parse_credits AS numeric)
      FROM moved
     WHERE d.id = moved.document_id
), first_page AS (
    INSERT INTO parsed_text_pages (document_id, page, text)
    SELECT document_id, 0, :first_page
      FROM moved
        ON CONFLICT (document_id, page) DO UPDATE SET text = EXCLUDED.text
), surplus AS (
    DELETE FROM parsed_text_pages p
     USING moved
     WHERE p.document_id = moved.document_id
       AND p.page >= CAST(:page_count AS integer)
)
INSERT INTO job_events (job_id, correlation_id, from_status, to_status, detail, actor)
SELECT id, correlation_id, from_status, to_status, :detail, :actor
  FROM moved
RETURNING job_id
