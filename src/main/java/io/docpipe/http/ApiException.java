package io.docpipe.http;

/**
 * A request the API refuses, with the HTTP status and the stable error code of the contract's
 * {@code {"error":{"code","message"}}} body. The message is shown to the caller: never put internals in it.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Long retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    /** @param retryAfterSeconds sent as {@code Retry-After}: when asking again may succeed; null for none */
    public ApiException(int status, String code, String message, Long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }
}
