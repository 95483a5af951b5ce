package io.docpipe.provider;

import java.util.function.Function;

/**
 * One HTTP request to a provider, as a stage describes it; {@link ProviderHttp} paces it, sends it through
 * camel-http and reads the answer with {@code reader}.
 *
 * @param body   a String, byte[] or Apache HttpClient {@code HttpEntity} (multipart uploads stream from disk)
 * @param lane   the endpoint class whose rate limit the request counts against (LlamaParse uploads or reads,
 *               OpenAI embeddings)
 * @param tokens the tokens it sends, for a provider that limits tokens per minute (0 otherwise)
 * @param reader turns a 2xx body into what the stage wants (throws {@link TransientProviderException} on garbage)
 */
public record ProviderRequest(String method, String path, String contentType, Object body, String lane, int tokens,
        Function<String, Object> reader) {

    public static ProviderRequest get(String path, String lane, Function<String, Object> reader) {
        return new ProviderRequest("GET", path, null, null, lane, 0, reader);
    }
}
