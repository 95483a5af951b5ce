-- Alerts due for delivery to ALERT_WEBHOOK_URL; the claim pushes their next try out so that only one instance
-- sends each (a failed send is retried then). Alerts older than a day are news no longer: a receiver configured
-- (or back) later is not flooded with them.
UPDATE budget_alerts
   SET next_delivery_at = now() + make_interval(secs => :retry_seconds),
       delivery_attempts = delivery_attempts + 1
 WHERE id IN (
       SELECT id FROM budget_alerts
        WHERE delivered_at IS NULL AND next_delivery_at <= now() AND raised_at > now() - interval '1 day'
        ORDER BY id
        LIMIT 20
          FOR UPDATE SKIP LOCKED)
RETURNING id, service, day, threshold_percent, committed_usd, budget_usd, raised_at
