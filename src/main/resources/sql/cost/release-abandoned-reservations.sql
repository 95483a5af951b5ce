-- Reservations their process never settled: expired ones (or, :all, every one), a batch at a time across instances.
DELETE FROM cost_reservations
 WHERE id IN (
       SELECT id
         FROM cost_reservations
        WHERE :all OR expires_at < now()
        ORDER BY expires_at
        LIMIT :limit
          FOR UPDATE SKIP LOCKED)
RETURNING service, day, hour, usd, job_id
