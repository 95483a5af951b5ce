-- Counts one billable request against the hour's cap; no row back: the cap is reached.
UPDATE cost_ledger_hours
   SET requests = requests + 1
 WHERE service = :service
   AND hour = :hour
   AND requests < :max_requests
RETURNING requests
