package io.docpipe.api;

import io.docpipe.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** When {@code DOCPIPE_API_TOKEN} is set, lets through only requests carrying it as a bearer token. */
public class ApiAuthentication implements Processor {

    private final byte[] expected;

    /** @param token the API token; blank turns the check off */
    public ApiAuthentication(String token) {
        this.expected = token == null || token.isBlank() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void process(Exchange exchange) {
        if (expected == null) {
            return;
        }
        String given = exchange.getMessage().getHeader("Authorization", String.class);
        // constant-time compare, so the token cannot be guessed byte by byte from response times
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required");
        }
    }
}
