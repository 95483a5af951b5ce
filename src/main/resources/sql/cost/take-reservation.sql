-- Settling a reservation takes it; none left: the expiry sweep released it already.
DELETE FROM cost_reservations WHERE id = :id
