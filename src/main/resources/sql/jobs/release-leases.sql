-- A clean stop: this instance's leases are freed at once, no attempt counted.
UPDATE jobs
   SET lease_owner = NULL,
       lease_expires_at = NULL,
       lease_token = NULL
 WHERE lease_owner = :owner
