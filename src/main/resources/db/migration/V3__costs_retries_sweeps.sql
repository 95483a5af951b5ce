-- Cost budgets, retries and sweeps (issue 4).

-- What each external service cost per UTC day. A real call first reserves its expected cost here, in one
-- conditional UPDATE that refuses to pass the budget (the row lock serialises workers and instances), and is
-- then settled with what the provider reported.
CREATE TABLE cost_ledger (
    service          text          NOT NULL,              -- 'llamaparse' | 'openai'
    day              date          NOT NULL,              -- UTC
    requests         bigint        NOT NULL DEFAULT 0,    -- billable requests made
    pages            bigint        NOT NULL DEFAULT 0,    -- pages LlamaParse reported
    tokens           bigint        NOT NULL DEFAULT 0,    -- tokens OpenAI reported
    reserved_usd     numeric(20,10) NOT NULL DEFAULT 0,    -- expected cost of calls not yet settled
    spent_usd        numeric(20,10) NOT NULL DEFAULT 0,    -- settled cost
    budget_usd       numeric(20,10),                       -- the daily budget in force (NULL: none)
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (service, day)
);

-- Billable requests per service and UTC hour, for the hourly request caps.
CREATE TABLE cost_ledger_hours (
    service          text          NOT NULL,
    hour             timestamptz   NOT NULL,
    requests         bigint        NOT NULL DEFAULT 0,
    PRIMARY KEY (service, hour)
);

-- Budget alerts (50, 80, 100 % of a day's budget): raised once per service, day and threshold, whichever
-- instance crosses it, and delivered to ALERT_WEBHOOK_URL from here (an outbox: nothing is lost when the
-- receiver is down).
CREATE TABLE budget_alerts (
    id                 bigserial     PRIMARY KEY,
    service            text          NOT NULL,
    day                date          NOT NULL,
    threshold_percent  integer       NOT NULL,
    committed_usd      numeric(20,10) NOT NULL,
    budget_usd         numeric(20,10) NOT NULL,
    raised_at          timestamptz   NOT NULL DEFAULT now(),
    raised_by          text          NOT NULL,
    delivered_at       timestamptz,
    delivery_attempts  integer       NOT NULL DEFAULT 0,
    next_delivery_at   timestamptz   NOT NULL DEFAULT now(),
    last_error         text,
    UNIQUE (service, day, threshold_percent)
);
CREATE INDEX budget_alerts_undelivered_idx ON budget_alerts (next_delivery_at) WHERE delivered_at IS NULL;

-- A job rescheduled because a budget or hourly cap was spent waits with not_before = 'infinity' until the
-- release sweep sees its window open (rescheduled_until) and lets it be claimed again.
ALTER TABLE jobs ADD COLUMN rescheduled_until timestamptz;
-- LlamaParse bills when the job finishes: the estimate committed at submission, corrected by the actual credits
ALTER TABLE jobs ADD COLUMN parse_estimate_usd numeric(20,10);
ALTER TABLE jobs ADD COLUMN parse_estimate_day date;

-- failed jobs due for an automatic retry, and rescheduled jobs due for release
CREATE INDEX jobs_retry_due_idx ON jobs (not_before)
    WHERE status IN ('failed_parse', 'failed_chunking', 'failed_embedding') AND not_before IS NOT NULL;
CREATE INDEX jobs_rescheduled_idx ON jobs (rescheduled_until) WHERE rescheduled_until IS NOT NULL;
-- leases the reclaim sweep looks at
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE lease_owner IS NOT NULL;
CREATE INDEX job_events_at_idx ON job_events (at);

-- Every run of a Quartz sweep: which instance ran it for which scheduled fire time, and what it did.
CREATE TABLE sweep_runs (
    id                   bigserial    PRIMARY KEY,
    sweep                text         NOT NULL,
    scheduled_fire_time  timestamptz  NOT NULL,
    actor                text         NOT NULL,
    started_at           timestamptz  NOT NULL DEFAULT now(),
    finished_at          timestamptz,
    affected             integer
);
CREATE INDEX sweep_runs_sweep_idx ON sweep_runs (sweep, scheduled_fire_time);
