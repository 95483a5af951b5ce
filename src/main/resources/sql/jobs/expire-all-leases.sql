-- Start on the embedded database: whoever held a lease is gone (the database is this process's alone).
UPDATE jobs
   SET lease_expires_at = now()
 WHERE lease_owner IS NOT NULL
   AND lease_expires_at > now()
