-- A worker failed with these jobs in hand: their leases run out now, so the reclaim sweep takes them over and counts
-- the attempt.
UPDATE jobs
   SET lease_expires_at = now()
 WHERE id = ANY (:job_ids)
   AND lease_owner = :owner
   AND lease_expires_at > now()
