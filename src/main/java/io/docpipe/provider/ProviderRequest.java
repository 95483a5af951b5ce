package io.docpipe.provider;

import java.util.function.Function;

/**
 * One HTTP request to a provider, as a stage describes it; {@link ProviderHttp} paces it, sends it through
 * camel-http and reads the answer with {@code reader}.
 *
 * @param query  the URL's query string without its {@code ?} (already encoded), or null
 * @param body   a String, byte[] or Apache HttpClient {@code HttpEntity} (multipart uploads stream from disk)
 * @param lane   the endpoint class whose rate limit the request counts against (LlamaParse uploads or reads,
 *               OpenAI embeddings)
 * @param tokens the tokens it sends, for a provider that limits tokens per minute (0 otherwise)
 * @param reader turns a 2xx body into what the stage wants (throws {@link TransientProviderException} on garbage)
 */
public record ProviderRequest(
        String method,
        String path,
        String query,
        String contentType,
        Object body,
        String lane,
        int tokens,
        Function<String, Object> reader) {

    /** A request without a query string. */
    public ProviderRequest(
            String method,
            String path,
            String contentType,
            Object body,
            String lane,
            int tokens,
            Function<String, Object> reader) {
        this(method, path, null, contentType, body, lane, tokens, reader);
    }

    public static ProviderRequest get(String path, String lane, Function<String, Object> reader) {
        return get(path, null, lane, reader);
    }

    public static ProviderRequest get(String path, String query, String lane, Function<String, Object> reader) {
        return new ProviderRequest("GET", path, query, null, null, lane, 0, reader);
    }
}
