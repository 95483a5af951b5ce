-- Never pay twice for one document (issue 15).

-- Fencing: every claim takes a new token; a worker's transitions and paid calls check it, so a worker that lost its
-- job (its lease ran out and another took over) can no longer change the job or pay for it.
CREATE SEQUENCE job_lease_tokens;
ALTER TABLE jobs ADD COLUMN lease_token bigint;

-- Every reservation against a budget, until it is settled: one that its process never settles (a crash between
-- reserve and settle) expires and is released by a sweep instead of holding the day's budget until midnight.
CREATE TABLE cost_reservations (
    id          bigserial      PRIMARY KEY,
    service     text           NOT NULL,
    day         date           NOT NULL,
    hour        timestamptz,                          -- the hour whose request cap counted it (NULL: no cap)
    usd         numeric(20,10) NOT NULL,
    job_id      uuid,
    owner       text           NOT NULL,              -- the instance that reserved
    expires_at  timestamptz    NOT NULL,
    created_at  timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX cost_reservations_expiry_idx ON cost_reservations (expires_at);
