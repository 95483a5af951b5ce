-- Failed jobs no automatic retry will pick up: they wait for a person (POST /api/v1/jobs/{id}/retry).
SELECT count(*) FROM jobs
 WHERE status IN ('failed_parse', 'failed_chunking', 'failed_embedding') AND not_before IS NULL
