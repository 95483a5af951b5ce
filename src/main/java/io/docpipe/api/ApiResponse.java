package io.docpipe.api;

/** An API answer: the HTTP status and the object written as snake_case JSON. */
public record ApiResponse(int status, Object body) {

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse accepted(Object body) {
        return new ApiResponse(202, body);
    }
}
