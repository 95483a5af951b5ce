-- Takes the job's committed LlamaParse estimate off it (once: a second delivery finds none) for the correction.
UPDATE jobs j
   SET parse_estimate_usd = NULL, parse_estimate_day = NULL
  FROM (SELECT id, parse_estimate_usd, parse_estimate_day FROM jobs WHERE id = :job_id FOR UPDATE) estimate
 WHERE j.id = estimate.id
   AND estimate.parse_estimate_day IS NOT NULL
RETURNING estimate.parse_estimate_usd AS usd, estimate.parse_estimate_day AS day
