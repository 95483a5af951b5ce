package io.docpipe.provider;

import io.docpipe.observe.Meters;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;

/**
 * The HTTP edge of one provider: turns a {@link ProviderRequest} into the camel-http message (with a clean set of
 * headers, so nothing of ours leaks to the provider, and the API key), and classifies the answer: 2xx passes,
 * a definitive refusal becomes a {@link ProviderRejection}, anything else a {@link TransientProviderException}.
 */
public class ProviderHttp {

    private static final String STARTED = "docpipe.providerCallStarted";

    /** How a provider's error bodies read, and which errors are definitive. */
    public interface ErrorPolicy {

        /** The provider's error code and message from an error body (which may not be JSON at all). */
        ProviderError read(int status, String body);

        boolean isPermanent(int status, ProviderError error);
    }

    public record ProviderError(String code, String message) {
    }

    private final String service;
    private final String authorization;
    private final ErrorPolicy errors;
    private final Redactor redactor;
    private final ServiceStats stats;
    private final Meters meters;

    public ProviderHttp(String service, String apiKey, ErrorPolicy errors, Redactor redactor, ServiceStats stats,
            Meters meters) {
        this.service = service;
        this.authorization = "Bearer " + apiKey;
        this.errors = errors;
        this.redactor = redactor;
        this.stats = stats;
        this.meters = meters;
    }

    public String service() {
        return service;
    }

    public ServiceStats stats() {
        return stats;
    }

    public void prepare(Exchange exchange) throws InvalidPayloadException {
        ProviderRequest request = exchange.getMessage().getMandatoryBody(ProviderRequest.class);
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_METHOD, request.method());
        message.setHeader(Exchange.HTTP_PATH, request.path());
        message.setHeader("Authorization", authorization);
        message.setHeader("Accept", "application/json");
        if (request.contentType() != null) {
            message.setHeader(Exchange.CONTENT_TYPE, request.contentType());
        }
        message.setBody(request.body());
        exchange.removeProperty(ProviderRejection.PROPERTY);
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** Leaves a 2xx body as a String; records a rejection; throws for anything worth retrying. */
    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeader("Authorization");
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = message.getBody(String.class);
        stats.answered((System.nanoTime() - exchange.getProperty(STARTED, 0L, Long.class)) / 1_000_000);
        if (status >= 200 && status < 300) {
            meters.providerCall(service, "ok");
            message.setBody(body);
            return;
        }
        ProviderError error = errors.read(status, body == null ? "" : body);
        String text = redactor.redact(error.code() + (error.message() == null ? "" : ": " + error.message()));
        stats.failed("HTTP " + status + " " + text);
        if (errors.isPermanent(status, error)) {
            meters.providerCall(service, "rejected");
            exchange.setProperty(ProviderRejection.PROPERTY,
                    new ProviderRejection(service, status, error.code(), redactor.redact(error.message())));
            message.setBody(null);
            return;
        }
        meters.providerCall(service, "transient");
        throw new TransientProviderException(service + " answered HTTP " + status + " " + text, RetryAfter.from(message.getHeaders()));
    }

    /** Records a failure that never produced an answer (timeout, reset, open circuit) in the health figures. */
    public void failedWithoutAnswer(Throwable failure) {
        meters.providerCall(service, "unanswered");
        stats.failed(redactor.redact(failure.getClass().getSimpleName() + ": " + failure.getMessage()));
    }
}
