package io.docpipe.api;

import io.docpipe.http.ApiException;
import io.docpipe.http.ApiResponse;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobQueries;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobStatus;
import io.docpipe.job.JobView;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Header;

/** {@code /api/v1/jobs}: a job with its events, listings, and manual retry of failed jobs. */
public class JobsApi {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final JobQueries queries;
    private final JobStateMachine stateMachine;

    public JobsApi(JobQueries queries, JobStateMachine stateMachine) {
        this.queries = queries;
        this.stateMachine = stateMachine;
    }

    public ApiResponse get(@Header("job_id") String jobId) {
        return ApiResponse.ok(find(jobId));
    }

    /** {@code ?status=S&dead=true&limit=N}: dead jobs are failed ones no automatic retry will pick up. */
    public ApiResponse list(
            @Header("status") String status, @Header("dead") String dead, @Header("limit") String limit) {
        JobStatus wanted = status == null || status.isBlank()
                ? null
                : JobStatus.fromWireName(status)
                        .orElseThrow(() -> ApiException.badRequest("unknown status '" + status + "'"));
        return ApiResponse.ok(Map.of("jobs", queries.list(wanted, flag(dead, "dead"), limit(limit))));
    }

    /**
     * Puts a failed job back into the queue of the stage that failed (a failed parse whose LlamaParse job is known:
     * back to reading its result, not to a second upload); 409 for a job that is not failed.
     */
    public ApiResponse retry(@Header("job_id") String jobId) {
        JobView job = find(jobId);
        JobStatus status = JobStatus.ofWireName(job.status());
        if (!status.isFailed()) {
            throw ApiException.conflict("job " + jobId + " is " + status + ", not failed");
        }
        String detail = "manual retry" + (job.attempts() > 0 ? " (attempts reset from " + job.attempts() + ")" : "");
        ClaimedJob failed = new ClaimedJob(job.jobId(), job.documentId(), job.correlationId(), status);
        if (!stateMachine
                .retry(failed, status, detail, true, job.parseJobId() != null)
                .applied()) {
            throw ApiException.conflict("job " + jobId + " changed while retrying; look at it again");
        }
        return ApiResponse.accepted(find(jobId));
    }

    private JobView find(String jobId) {
        UUID id = PathIds.parse(jobId, "job");
        return queries.find(id).orElseThrow(() -> ApiException.notFound("no job " + jobId));
    }

    private static boolean flag(String value, String name) {
        if (value == null || value.isBlank() || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiException.badRequest(name + " must be true or false");
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
