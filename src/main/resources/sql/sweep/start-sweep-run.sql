INSERT INTO sweep_runs (sweep, scheduled_fire_time, actor)
VALUES (:sweep, :scheduled_fire_time, :actor)
RETURNING id
