SELECT from_status, to_status, at, detail
  FROM job_events
 WHERE job_id = :job_id
 ORDER BY id
