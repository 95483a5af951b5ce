-- Reserves the expected cost of one call against the day's budget. The conditional UPDATE takes the row lock, so
-- concurrent reservations (other workers, other instances) queue behind it and see its result: the budget cannot be
-- passed. No row back: the call does not fit. The request is counted when it is sent (settle.sql), not here.
UPDATE cost_ledger
   SET reserved_usd = reserved_usd + :usd,
       budget_usd   = CAST(:budget_usd AS numeric),
       updated_at   = now()
 WHERE service = :service
   AND day = :day
   AND (CAST(:budget_usd AS numeric) IS NULL OR spent_usd + reserved_usd + :usd <= CAST(:budget_usd AS numeric))
RETURNING spent_usd + reserved_usd AS committed_usd
