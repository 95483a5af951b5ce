SELECT service, day, requests, pages, tokens, reserved_usd, spent_usd, budget_usd
  FROM cost_ledger
 WHERE day BETWEEN :from_day AND :to_day
 ORDER BY day, service
