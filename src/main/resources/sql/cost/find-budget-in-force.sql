-- The daily budget the ledger last reserved against today; no row: nothing was reserved today.
SELECT budget_usd FROM cost_ledger WHERE service = :service AND day = :day
