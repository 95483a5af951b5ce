-- A delivery id is only needed while LlamaParse may still redeliver it.
DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(days => :retention_days)
