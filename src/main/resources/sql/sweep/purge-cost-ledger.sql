WITH days AS (
    DELETE FROM cost_ledger WHERE day < CAST(now() AS date) - :retention_days RETURNING 1
), hours AS (
    DELETE FROM cost_ledger_hours WHERE hour < now() - make_interval(days => :retention_days) RETURNING 1
), alerts AS (
    DELETE FROM budget_alerts WHERE day < CAST(now() AS date) - :retention_days RETURNING 1
)
SELECT (SELECT count(*) FROM days) + (SELECT count(*) FROM hours) + (SELECT count(*) FROM alerts)
