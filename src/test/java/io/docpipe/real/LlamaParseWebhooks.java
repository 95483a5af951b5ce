package io.docpipe.real;

import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.webhook.WebhookSignature;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

/** Plays LlamaCloud's side of the webhook: the bodies it sends, signed as it signs them. */
final class LlamaParseWebhooks {

    private LlamaParseWebhooks() {}

    static String envelope(String eventId, String eventType, String parseJobId) {
        return "{\"event_id\":\"" + eventId + "\",\"event_type\":\"" + eventType
                + "\",\"timestamp\":1753985275.1154444," + "\"data\":{\"id\":\"" + parseJobId + "\",\"job_id\":\""
                + parseJobId + "\"}}";
    }

    static String envelope(String eventType, String parseJobId) {
        return envelope(UUID.randomUUID().toString(), eventType, parseJobId);
    }

    /** Signed as LlamaCloud does: {@code LC-Signature: sha256=<hex>}. */
    static RunningDocpipe.Response sendWithLcSignature(RunningDocpipe app, String query, byte[] body) {
        return send(app, query, body, "LC-Signature", WebhookSignature.sign(ProviderStandIns.WEBHOOK_SECRET, body));
    }

    /** Signed in the plain form: {@code X-Webhook-Signature: <hex>}. */
    static RunningDocpipe.Response sendWithPlainSignature(RunningDocpipe app, String query, byte[] body) {
        String hex = HexFormat.of()
                .formatHex(WebhookSignature.hmacSha256(
                        ProviderStandIns.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), body));
        return send(app, query, body, "X-Webhook-Signature", hex);
    }

    static RunningDocpipe.Response send(
            RunningDocpipe app, String query, byte[] body, String header, String signature) {
        HttpRequest.Builder request = app.request("/api/v1/webhooks/llamaparse" + query)
                .header("Content-Type", "application/json")
                .header("User-Agent", "llamaindex-webhook-service/1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (header != null) {
            request.header(header, signature);
        }
        return app.send(request);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
