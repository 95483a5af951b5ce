SELECT spent_usd + reserved_usd FROM cost_ledger WHERE service = :service AND day = :day
