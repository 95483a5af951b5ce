INSERT INTO chunks (document_id, ordinal, text, token_count)
VALUES (:document_id, :ordinal, :text, :token_count)
