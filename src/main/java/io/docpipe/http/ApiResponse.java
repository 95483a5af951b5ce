package io.docpipe.http;

/** An API answer: the HTTP status and the object written as snake_case JSON. */
public record ApiResponse(int status, Object body) {

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse accepted(Object body) {
        return new ApiResponse(202, body);
    }

    /** A reply without a body (a delete). */
    public static ApiResponse noContent() {
        return new ApiResponse(204, null);
    }

    /** A reply that is not JSON (a CSV export): written as is, with its content type and disposition. */
    public static ApiResponse text(int status, String contentType, String text, String contentDisposition) {
        return new ApiResponse(status, new Text(contentType, text, contentDisposition));
    }

    /**
     * A reply of bytes streamed to the client (a download, a long JSON answer), with their content type and
     * disposition (null: none).
     */
    public static ApiResponse stream(String contentType, java.io.InputStream stream, String contentDisposition) {
        return new ApiResponse(200, new Stream(contentType, stream, contentDisposition));
    }

    public record Text(String contentType, String text, String contentDisposition) {}

    public record Stream(String contentType, java.io.InputStream stream, String contentDisposition) {}
}
