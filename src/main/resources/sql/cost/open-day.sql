INSERT INTO cost_ledger (service, day, budget_usd)
VALUES (:service, :day, CAST(:budget_usd AS numeric))
ON CONFLICT (service, day) DO NOTHING
