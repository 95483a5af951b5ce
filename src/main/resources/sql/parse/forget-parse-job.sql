-- The LlamaParse job of a failed parse ended badly or is gone: a retry must upload again, not read its result.
-- Run by route fetch-parse-result through the SQL producer, for variable job, right after it failed the job.
UPDATE jobs
   SET parse_job_id = NULL,
       parse_ready_at = NULL
 WHERE id = :#${variable.job.id}
   AND status = 'failed_parse'
