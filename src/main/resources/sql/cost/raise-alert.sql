-- Once per service, day and threshold, whichever instance gets there first.
INSERT INTO budget_alerts (service, day, threshold_percent, committed_usd, budget_usd, raised_by)
VALUES (:service, :day, :threshold_percent, :committed_usd, :budget_usd, :raised_by)
ON CONFLICT (service, day, threshold_percent) DO NOTHING
RETURNING id
