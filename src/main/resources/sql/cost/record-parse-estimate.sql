-- LlamaParse accepted the job: the estimate stays spent until its result reports the actual credits.
UPDATE jobs SET parse_estimate_usd = :usd, parse_estimate_day = :day WHERE id = :job_id
