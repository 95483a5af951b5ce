SELECT attempts FROM jobs WHERE id = :job_id
