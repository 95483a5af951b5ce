-- Documents changed by transactions an index's applied snapshot does not see (those it does see were applied).
SELECT DISTINCT document_id
  FROM search_changes
 WHERE txid >= pg_snapshot_xmin(CAST(:applied_snapshot AS pg_snapshot))
   AND NOT pg_visible_in_snapshot(txid, CAST(:applied_snapshot AS pg_snapshot))
