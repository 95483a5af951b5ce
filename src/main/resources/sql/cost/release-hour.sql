-- A request counted against the hour's cap was not sent after all (rate limit, open circuit): it is not a request.
UPDATE cost_ledger_hours
   SET requests = GREATEST(requests - 1, 0)
 WHERE service = :service
   AND hour = :hour
