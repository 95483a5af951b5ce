package io.docpipe.provider;

/**
 * One HTTP request to a provider, as a stage describes it; {@link ProviderHttp#prepare} turns it into the message
 * camel-http sends.
 *
 * @param body a String, byte[] or Apache HttpClient {@code HttpEntity} (multipart uploads stream from disk)
 */
public record ProviderRequest(String method, String path, String contentType, Object body) {

    public static ProviderRequest get(String path) {
        return new ProviderRequest("GET", path, null, null);
    }
}
