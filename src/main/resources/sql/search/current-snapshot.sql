-- The snapshot of the running transaction: which transactions' changes it sees.
SELECT CAST(pg_current_snapshot() AS text)
