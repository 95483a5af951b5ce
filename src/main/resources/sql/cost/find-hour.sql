SELECT service, requests FROM cost_ledger_hours WHERE hour = :hour
