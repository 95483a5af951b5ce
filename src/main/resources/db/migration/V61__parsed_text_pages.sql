-- A document's parsed text as ordered pages of bounded size instead of one column: a document of hundreds of
-- megabytes of text is written and read a page at a time, so no stage holds it whole. Written in the parse stage's
-- transaction (page 0 with the move to parsed, any further pages before it), read in page order by the chunk stage.
CREATE TABLE parsed_text_pages (
    document_id uuid    NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    page        integer NOT NULL CHECK (page >= 0),
    text        text    NOT NULL,
    PRIMARY KEY (document_id, page)
);

INSERT INTO parsed_text_pages (document_id, page, text)
SELECT id, 0, parsed_content
  FROM documents
 WHERE parsed_content IS NOT NULL;

ALTER TABLE documents DROP COLUMN parsed_content;
