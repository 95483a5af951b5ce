-- Deletes search index changes older than the retention and moves the horizon past them: an index that had not
-- applied them (its instance was stopped that long) is rebuilt from scratch. Returns the rows deleted.
WITH purged AS (
    DELETE FROM search_changes
     WHERE at < now() - make_interval(days => :retention_days)
 RETURNING txid
), horizon AS (
    UPDATE search_change_horizon
       SET purged_through = GREATEST(purged_through, (SELECT txid FROM purged ORDER BY txid DESC LIMIT 1))
     WHERE EXISTS (SELECT 1 FROM purged)
)
SELECT count(*) FROM purged
