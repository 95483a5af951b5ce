-- For each document with a change an index has not applied: its embeddings that search will find once it has.
SELECT changed.document_id,
       (SELECT count(*)
          FROM searchable_documents sd
          JOIN chunks c ON c.document_id = sd.id
          JOIN embeddings e ON e.chunk_id = c.id
         WHERE sd.id = changed.document_id) AS searchable_embeddings
  FROM (SELECT DISTINCT document_id
          FROM search_changes
         WHERE txid >= pg_snapshot_xmin(CAST(:applied_snapshot AS pg_snapshot))
           AND NOT pg_visible_in_snapshot(txid, CAST(:applied_snapshot AS pg_snapshot))) AS changed
