-- Jobs waiting for a budget window.
SELECT count(*) FROM jobs WHERE rescheduled_until IS NOT NULL
