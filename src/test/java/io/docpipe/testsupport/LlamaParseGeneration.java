package io.docpipe.testsupport;

import java.util.List;

/**
 * The two LlamaParse API generations as tests see them ({@code LLAMAPARSE_API_VERSION}): where a document is
 * submitted, where a job's status is read, and what their answers look like, so one test can run against either.
 */
public enum LlamaParseGeneration {
    V1("v1", "/api/v1/parsing/upload", "/api/v1/parsing/job/", List.of("ERROR", "CANCELLED")),
    V2("v2", "/api/v2/parse/upload", "/api/v2/parse/", List.of("FAILED", "CANCELLED"));

    private final String apiVersion;
    private final String uploadPath;
    private final String jobPathPrefix;
    private final List<String> badEndings;

    LlamaParseGeneration(String apiVersion, String uploadPath, String jobPathPrefix, List<String> badEndings) {
        this.apiVersion = apiVersion;
        this.uploadPath = uploadPath;
        this.jobPathPrefix = jobPathPrefix;
        this.badEndings = badEndings;
    }

    /** The value of {@code LLAMAPARSE_API_VERSION} ({@code docpipe.llamaparse.api-version}). */
    public String apiVersion() {
        return apiVersion;
    }

    /** Where a document is submitted (the paid call). */
    public String uploadPath() {
        return uploadPath;
    }

    /** Where the status of the job {@code parseJobId} is read. */
    public String jobPath(String parseJobId) {
        return jobPathPrefix + parseJobId;
    }

    /** A regular expression for the status read of any job. */
    public String anyJobPath() {
        return jobPathPrefix + "[^/]+";
    }

    /** The statuses of a parse job that ended without a result. */
    public List<String> badEndings() {
        return badEndings;
    }

    /** A status answer: the job ended {@code status} with {@code message} (v1 adds an error code, v2 has none). */
    public String endedAnswer(String parseJobId, String status, String message) {
        return this == V1
                ? "{\"id\":\"" + parseJobId + "\",\"status\":\"" + status
                        + "\",\"error_code\":\"NO_DATA_FOUND_IN_FILE\",\"error_message\":\"" + message + "\"}"
                : LlamaParseV2Wire.status(parseJobId, status, "cost_effective", message);
    }
}
