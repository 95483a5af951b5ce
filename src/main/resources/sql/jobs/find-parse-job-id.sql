SELECT parse_job_id FROM jobs WHERE id = :job_id
