package io.docpipe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.docpipe.http.ApiException;
import io.docpipe.http.ApiResponse;
import io.docpipe.job.CorrelationContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the exchange's {@link ApiResponse} (or a failure) as the HTTP reply: JSON, the text of a CSV export, or the
 * bytes of a download.
 * Errors take the contract's shape {@code {"error":{"code","message"}}}; an unexpected failure is logged here and
 * answered without any detail.
 */
public class JsonResponseWriter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(JsonResponseWriter.class);

    /** The API's JSON: snake_case names; thread-safe, shared by every reply (and by replies written as streams). */
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** Writes the reply; the request's correlation context ends here, on the thread that served it. */
    @Override
    public void process(Exchange exchange) throws Exception {
        try {
            write(exchange);
        } finally {
            CorrelationContext.leave();
        }
    }

    private void write(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        ApiResponse response = failure == null
                ? exchange.getMessage().getMandatoryBody(ApiResponse.class)
                : errorResponse(failure, exchange.getFromRouteId());
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
        if (failure instanceof ApiException api && api.retryAfterSeconds() != null) {
            out.setHeader("Retry-After", api.retryAfterSeconds());
        }
        if (response.body() == null) {
            out.setBody(null);
            return;
        }
        if (response.body() instanceof ApiResponse.Stream stream) {
            // the HTTP server pumps the stream to the client (chunked) and closes it
            out.setHeader(Exchange.CONTENT_TYPE, stream.contentType());
            if (stream.contentDisposition() != null) {
                out.setHeader("Content-Disposition", stream.contentDisposition());
            }
            out.setBody(stream.stream());
            return;
        }
        if (response.body() instanceof ApiResponse.Text text) {
            out.setHeader(Exchange.CONTENT_TYPE, text.contentType());
            out.setHeader("Content-Disposition", text.contentDisposition());
            out.setBody(text.text().getBytes(StandardCharsets.UTF_8));
            return;
        }
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(JSON.writeValueAsBytes(response.body()));
    }

    public static ApiResponse error(int status, String code, String message) {
        return new ApiResponse(status, Map.of("error", Map.of("code", code, "message", message)));
    }

    private static ApiResponse errorResponse(Exception failure, String routeId) {
        if (failure instanceof ApiException api) {
            return error(api.status(), api.code(), api.getMessage());
        }
        LOG.error("request to route {} failed", routeId, failure);
        return error(500, "internal_error", "the request could not be processed; see the service log");
    }
}
