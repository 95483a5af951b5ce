-- Event rows of finished jobs (complete, or failed for good) older than the retention; live jobs keep their history.
DELETE FROM job_events e
 USING jobs j
 WHERE e.job_id = j.id
   AND e.at < now() - make_interval(days => :retention_days)
   AND (j.status = 'complete' OR j.dead)
