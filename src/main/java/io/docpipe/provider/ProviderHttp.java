package io.docpipe.provider;

import io.docpipe.job.JobVariables;
import io.docpipe.observe.Meters;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Variable;

/**
 * The HTTP edge of one provider. Around the circuit breaker it paces each request by its endpoint class
 * ({@link RatePacer}: a local limit is waiting, not failing, so it stays outside the breaker); inside it turns a
 * {@link ProviderRequest} into the camel-http message (a clean set of headers, so nothing of ours leaks to the
 * provider, and the API key) and classifies the answer into a {@link ProviderAnswer}: 2xx is read by the
 * request's reader, a definitive refusal is {@code REJECTED}, a 429 pauses the endpoint class and ends in
 * {@link #fallback} as {@code RATE_LIMITED} (the breakers ignore it), anything else throws, counts against the
 * breaker and ends in {@link #fallback} as {@code UNAVAILABLE}. The route is {@link ProviderCallRoutes}.
 */
public class ProviderHttp {

    /** How a provider's error bodies read, and which errors are definitive. */
    public interface ErrorPolicy {

        /** The provider's error code and message from an error body (which may not be JSON at all). */
        ProviderError read(int status, String body);

        boolean isPermanent(int status, ProviderError error);

        /** A refusal for the request rate, to wait out: 429, unless the provider says it is something else. */
        default boolean isRateLimit(int status, ProviderError error) {
            return status == 429 && !isPermanent(status, error);
        }
    }

    public record ProviderError(String code, String message) {}

    private final String service;
    /** The service as meters label it: lower case, as the cost and budget meters and the ledger name it. */
    private final String serviceLabel;

    private final String authorization;
    private final ErrorPolicy errors;
    private final Redactor redactor;
    private final ServiceStats stats;
    private final Meters meters;
    private final CircuitBreaker breaker;
    private final Map<String, RatePacer> lanes;
    private final Duration maxPacingWait;

    /**
     * @param lanes         the pacer of each endpoint class a request can name
     * @param maxPacingWait the longest a worker waits for its turn; a later turn sends the jobs back to wait
     */
    public ProviderHttp(
            String service,
            String apiKey,
            ErrorPolicy errors,
            Redactor redactor,
            ServiceStats stats,
            Meters meters,
            CircuitBreaker breaker,
            Map<String, RatePacer> lanes,
            Duration maxPacingWait) {
        this.service = service;
        this.serviceLabel = service.toLowerCase(Locale.ROOT);
        this.authorization = "Bearer " + apiKey;
        this.errors = errors;
        this.redactor = redactor;
        this.stats = stats;
        this.meters = meters;
        this.breaker = breaker;
        this.lanes = Map.copyOf(lanes);
        this.maxPacingWait = maxPacingWait;
    }

    public String service() {
        return service;
    }

    public ServiceStats stats() {
        return stats;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public RatePacer lane(String name) {
        RatePacer pacer = lanes.get(name);
        if (pacer == null) {
            throw new IllegalArgumentException(service + " has no endpoint class " + name);
        }
        return pacer;
    }

    /**
     * Waits for the request's turn in its endpoint class. Returns the request to send, or, when its turn is further
     * away than docpipe lets a worker wait, a {@code RATE_LIMITED} answer saying when to come back (nothing sent).
     *
     * @param maxWait a shorter wait for this request (variable {@link JobVariables#MAX_PACING_WAIT}: a search waits less than a
     *                worker), or null
     */
    public Object awaitTurn(@Body ProviderRequest request, @Variable(JobVariables.MAX_PACING_WAIT) Duration maxWait)
            throws InterruptedException {
        RatePacer.Turn turn =
                lane(request.lane()).awaitTurn(request.tokens(), maxWait == null ? maxPacingWait : maxWait);
        if (turn.granted()) {
            return request;
        }
        return ProviderAnswer.rateLimited(
                turn.delay(),
                service + " " + request.lane() + " are paced to the provider's rate" + " limit; next turn in "
                        + turn.delay().toMillis() + " ms",
                false);
    }

    /** Inside the breaker: the camel-http message for the request. */
    public void prepare(Exchange exchange) throws InvalidPayloadException {
        ProviderRequest request = exchange.getMessage().getMandatoryBody(ProviderRequest.class);
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_METHOD, request.method());
        message.setHeader(Exchange.HTTP_PATH, request.path());
        if (request.query() != null) {
            message.setHeader(Exchange.HTTP_QUERY, request.query());
        }
        message.setHeader("Authorization", authorization);
        message.setHeader("Accept", "application/json");
        if (request.contentType() != null) {
            message.setHeader(Exchange.CONTENT_TYPE, request.contentType());
        }
        message.setBody(request.body());
        exchange.setProperty(JobVariables.PROVIDER_REQUEST, request);
        exchange.setProperty(JobVariables.PROVIDER_CALL_STARTED, System.nanoTime());
    }

    /**
     * Inside the breaker: reads a 2xx answer with the request's reader, turns a definitive refusal into a
     * {@code REJECTED} answer, and throws for a rate limit (ignored by the breaker) or anything worth retrying:
     * both end in {@link #fallback}.
     */
    public ProviderAnswer check(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeader("Authorization");
        ProviderRequest request = exchange.getProperty(JobVariables.PROVIDER_REQUEST, ProviderRequest.class);
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = message.getBody(String.class);
        stats.answered((System.nanoTime() - exchange.getProperty(JobVariables.PROVIDER_CALL_STARTED, 0L, Long.class))
                / 1_000_000);
        RatePacer pacer = lane(request.lane());
        pacer.learn(name -> header(message, name));
        if (status >= 200 && status < 300) {
            pacer.answered();
            meters.providerCall(serviceLabel, "ok");
            try {
                return ProviderAnswer.answered(request.reader().apply(body));
            } catch (TransientProviderException unreadable) {
                stats.failed(redactor.redact(unreadable.getMessage()));
                throw new TransientProviderException(unreadable.getMessage(), null, status);
            }
        }
        ProviderError error = errors.read(status, body == null ? "" : body);
        String text = redactor.redact(error.code() + (error.message() == null ? "" : ": " + error.message()));
        if (errors.isRateLimit(status, error)) {
            meters.providerCall(serviceLabel, "rate_limited");
            Duration pause = pacer.rateLimited(RetryAfter.from(message.getHeaders()));
            throw new ProviderRateLimitedException(
                    service + " answered HTTP 429 " + text + "; " + request.lane() + " pause for " + pause.toMillis()
                            + " ms",
                    pause);
        }
        pacer.answered();
        stats.failed("HTTP " + status + " " + text);
        if (errors.isPermanent(status, error)) {
            meters.providerCall(serviceLabel, "rejected");
            return ProviderAnswer.rejected(
                    new ProviderRejection(service, status, error.code(), redactor.redact(error.message())));
        }
        meters.providerCall(serviceLabel, "transient");
        throw new TransientProviderException(
                service + " answered HTTP " + status + " " + text, RetryAfter.from(message.getHeaders()), status);
    }

    /**
     * The breaker's fallback: the call ended in an exception, or the open circuit did not let it through. A 429 is
     * {@code RATE_LIMITED} (the breaker did not count it); everything else is {@code UNAVAILABLE}. Answered errors
     * were counted when they were classified; failures without an answer are counted here.
     */
    public ProviderAnswer fallback(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProviderRateLimitedException rateLimited = find(cause, ProviderRateLimitedException.class);
        if (rateLimited != null) {
            // the fallback sees the exchange as it entered the breaker: its body is still the request
            ProviderRequest request = exchange.getMessage().getBody(ProviderRequest.class);
            return ProviderAnswer.rateLimited(
                    rateLimited.pause(),
                    service + " answered 429 Too Many Requests; " + request.lane() + " paused for "
                            + rateLimited.pause().toMillis() + " ms",
                    true);
        }
        boolean shortCircuited = cause == null || cause instanceof CallNotPermittedException;
        TransientProviderException answeredFailure = find(cause, TransientProviderException.class);
        if (!shortCircuited && answeredFailure == null) {
            meters.providerCall(serviceLabel, "unanswered");
            stats.failed(redactor.redact(describe(cause)));
        }
        boolean down = shortCircuited || breaker.getState() != CircuitBreaker.State.CLOSED;
        String failure = shortCircuited
                ? service + " is unavailable (circuit " + breaker.getState() + ")"
                : redactor.redact(answeredFailure != null ? answeredFailure.getMessage() : describe(cause));
        return ProviderAnswer.unavailable(
                failure,
                answeredFailure == null ? null : answeredFailure.retryAfter(),
                down,
                !shortCircuited,
                !shortCircuited && outcomeUnknown(cause, answeredFailure));
    }

    /**
     * Whether a sent request that failed may still have been carried out: it was answered with a gateway error or
     * an unreadable 2xx, or the connection broke or timed out after it was made. A refused or timed-out connection
     * never carried a request; a 500 or 503 says the provider did not do it.
     */
    private static boolean outcomeUnknown(Throwable cause, TransientProviderException answered) {
        if (answered != null) {
            int status = answered.status();
            return status == 502 || status == 504 || status >= 200 && status < 300;
        }
        return find(cause, java.net.ConnectException.class) == null
                && find(cause, org.apache.hc.client5.http.ConnectTimeoutException.class) == null
                && find(cause, java.net.UnknownHostException.class) == null
                && find(cause, java.io.IOException.class) != null;
    }

    /**
     * For the circuit breakers: a rate limit is no outage (ignored); everything else that fails a call inside a
     * breaker (connection failures, timeouts, 5xx, garbage answers, and bugs, which should not pass unseen) is.
     */
    public static boolean isRateLimit(Throwable failure) {
        return find(failure, ProviderRateLimitedException.class) != null;
    }

    private static String header(Message message, String name) {
        Object value = message.getHeader(name);
        return value == null ? null : value.toString();
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof java.io.IOException)) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
