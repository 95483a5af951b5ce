SELECT d.id AS document_id, j.id AS job_id, j.correlation_id, j.status
  FROM documents d
  JOIN jobs j ON j.document_id = d.id
 WHERE d.sha256 = :sha256
