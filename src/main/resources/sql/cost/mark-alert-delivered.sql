UPDATE budget_alerts SET delivered_at = now(), last_error = NULL WHERE id = :id
