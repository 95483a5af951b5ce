package io.docpipe.webhook;

import io.docpipe.http.ApiException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets through only webhook deliveries within the size limit whose HMAC signature over the exact raw bytes matches,
 * before anything reads the body. Accepts {@code LC-Signature: sha256=<hex>} (LlamaCloud) and
 * {@code X-Webhook-Signature: <hex>}.
 */
public class WebhookSignatureCheck implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSignatureCheck.class);

    private final String secret;
    private final long maxBodyBytes;

    public WebhookSignatureCheck(String secret, long maxBodyBytes) {
        this.secret = secret;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void process(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        if (body.length > maxBodyBytes) {
            throw new ApiException(
                    413, "payload_too_large", "webhook bodies are limited to " + maxBodyBytes + " bytes");
        }
        String signature = exchange.getMessage().getHeader("LC-Signature", String.class);
        if (signature == null) {
            signature = exchange.getMessage().getHeader("X-Webhook-Signature", String.class);
        }
        if (signature == null || signature.isBlank()) {
            throw new ApiException(401, "missing_signature", "the webhook signature header is missing");
        }
        if (!WebhookSignature.verify(secret, body, signature)) {
            LOG.warn("rejected a webhook delivery with an invalid signature ({} bytes)", body.length);
            throw new ApiException(401, "invalid_signature", "the webhook signature does not match");
        }
        exchange.getMessage().setBody(body);
    }
}
