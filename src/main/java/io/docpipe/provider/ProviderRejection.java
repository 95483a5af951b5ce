package io.docpipe.provider;

/**
 * A definitive "no" from a provider (bad key, no credits, file refused, job failed): retrying would not help, so
 * the job fails with the provider's code and message. It is a working answer, so the circuit breaker counts it as
 * a successful call; stages find it in the {@code REJECTED} {@link ProviderAnswer}.
 */
public record ProviderRejection(String service, int httpStatus, String code, String message) {

    @Override
    public String toString() {
        return service + " rejected the request" + (httpStatus > 0 ? " (HTTP " + httpStatus + ")" : "") + ": " + code
                + (message == null || message.isBlank() ? "" : " - " + message);
    }
}
