INSERT INTO cost_ledger_hours (service, hour)
VALUES (:service, :hour)
ON CONFLICT (service, hour) DO NOTHING
