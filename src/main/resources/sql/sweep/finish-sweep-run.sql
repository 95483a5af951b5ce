UPDATE sweep_runs SET finished_at = now(), affected = :affected WHERE id = :id
