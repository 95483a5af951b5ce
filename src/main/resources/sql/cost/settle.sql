-- Replaces a reservation by what the call cost (zero when it failed or was not made) and what the provider reported,
-- and counts the request if it was sent (:requests 1, else 0).
UPDATE cost_ledger
   SET reserved_usd = GREATEST(reserved_usd - :reserved_usd, 0),
       requests     = requests + :requests,
       spent_usd    = spent_usd + :spent_usd,
       pages        = pages + :pages,
       tokens       = tokens + :tokens,
       updated_at   = now()
 WHERE service = :service
   AND day = :day
RETURNING spent_usd + reserved_usd AS committed_usd, budget_usd
