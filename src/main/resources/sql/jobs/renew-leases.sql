-- The lease heartbeat: every unexpired lease this instance holds runs another lease from now, unless its worker has
-- held the job longer than the longest hold (a hung worker loses its job). An expired lease is not revived: its job
-- was given up, or another worker may be taking it over.
UPDATE jobs
   SET lease_expires_at = now() + make_interval(secs => :lease_seconds)
 WHERE lease_owner = :owner
   AND lease_expires_at > now()
   AND leased_at > now() - make_interval(secs => :max_hold_seconds)
