-- A document's searchable state changed in this transaction: every instance's index will re-read it.
INSERT INTO search_changes (document_id)
VALUES (:document_id)
