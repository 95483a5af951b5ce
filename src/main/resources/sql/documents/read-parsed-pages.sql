-- A few pages of a document's parsed text in order, from page :from_page on: the chunk stage reads the text a few
-- pages a round trip (a text of one page, the common case, in one).
SELECT page, text
  FROM parsed_text_pages
 WHERE document_id = :document_id
   AND page >= :from_page
 ORDER BY page
 LIMIT :limit
