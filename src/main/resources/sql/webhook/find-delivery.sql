SELECT count(*) FROM webhook_deliveries WHERE event_id = :event_id
