-- Jobs whose worker's lease has run out; the reclaim sweep frees them.
SELECT id, document_id, correlation_id, status, lease_owner, attempts
  FROM jobs
 WHERE lease_owner IS NOT NULL
   AND lease_expires_at < now()
 ORDER BY lease_expires_at
 LIMIT :limit
