SELECT service, threshold_percent, raised_at, delivered_at
  FROM budget_alerts
 WHERE day = :day
 ORDER BY service, threshold_percent
