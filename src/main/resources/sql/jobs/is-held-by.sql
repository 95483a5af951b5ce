SELECT count(*)
  FROM jobs
 WHERE id = :job_id
   AND status = :status
   AND lease_owner = :actor
   AND lease_expires_at > now()
