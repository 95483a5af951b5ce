-- Whether job_transitions has the move :from_status -> :to_status: asked only after a move changed nothing, to tell a
-- forbidden move (an error in the caller) from a lost compare-and-set (the job had moved on).
SELECT EXISTS (SELECT 1
                 FROM job_transitions
                WHERE from_status = :from_status
                  AND to_status = :to_status)
