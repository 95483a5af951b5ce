UPDATE budget_alerts SET last_error = :error WHERE id = :id
