-- A reservation, held until it is settled (take-reservation.sql) or, never settled, released after its timeout.
INSERT INTO cost_reservations (service, day, hour, usd, job_id, owner, expires_at)
VALUES (:service, :day, CAST(:hour AS timestamptz), :usd, CAST(:job_id AS uuid), :owner,
        now() + make_interval(secs => :timeout_seconds))
RETURNING id
