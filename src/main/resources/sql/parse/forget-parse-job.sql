-- The LlamaParse job of a failed parse ended badly or is gone: a retry must upload again, not read its result.
UPDATE jobs
   SET parse_job_id = NULL,
       parse_ready_at = NULL
 WHERE id = :job_id
   AND status = 'failed_parse'
