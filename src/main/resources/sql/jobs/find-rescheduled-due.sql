-- Jobs rescheduled for a budget window that has opened by :now (the budget clock's time).
SELECT id, document_id, correlation_id, status, rescheduled_until
  FROM jobs
 WHERE rescheduled_until <= :now
 ORDER BY rescheduled_until
 LIMIT :limit
