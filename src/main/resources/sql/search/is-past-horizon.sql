-- Whether the retention purge may have deleted changes an index with this applied snapshot has not seen.
SELECT pg_snapshot_xmin(CAST(:applied_snapshot AS pg_snapshot)) <= purged_through
  FROM search_change_horizon
