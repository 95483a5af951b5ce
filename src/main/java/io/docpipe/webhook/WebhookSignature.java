package io.docpipe.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 webhook signatures. docpipe verifies the GitHub-style scheme LlamaCloud uses (the MAC of the raw body
 * with the secret's UTF-8 bytes, as lowercase hex, optionally prefixed {@code sha256=}); the Standard Webhooks
 * scheme ({@code v1,<base64>} over {@code id.timestamp.body} with a {@code whsec_} base64 key) is implemented too,
 * so that both schemes' published test vectors run through the same MAC code.
 */
public final class WebhookSignature {

    private static final String PREFIX = "sha256=";

    private WebhookSignature() {}

    public static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    /** {@code sha256=<hex>} of the body, as LlamaCloud's {@code LC-Signature} and GitHub's {@code X-Hub-Signature-256}. */
    public static String sign(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /**
     * Checks a signature header value against the raw body in constant time.
     *
     * @param signature {@code <hex>} or {@code sha256=<hex>}; anything else (truncated, not hex) fails
     */
    public static boolean verify(String secret, byte[] body, String signature) {
        if (secret == null || secret.isEmpty() || signature == null) {
            return false;
        }
        String hex = signature.trim();
        if (hex.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            hex = hex.substring(PREFIX.length());
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] expected = hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body);
        return MessageDigest.isEqual(expected, given);
    }

    /** The Standard Webhooks {@code v1} signature of a message (spec v1.0.0). */
    public static String signStandardWebhook(String secret, String messageId, long timestampSeconds, byte[] body) {
        String base64Key = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        byte[] prefix = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "v1,"
                + Base64.getEncoder()
                        .encodeToString(hmacSha256(Base64.getDecoder().decode(base64Key), signed));
    }

    /**
     * Verifies a Standard Webhooks {@code webhook-signature} header (space-separated, versioned signatures; any
     * {@code v1} match passes) in constant time. The caller checks the timestamp's freshness.
     */
    public static boolean verifyStandardWebhook(
            String secret, String messageId, long timestampSeconds, byte[] body, String signatureHeader) {
        byte[] expected =
                signStandardWebhook(secret, messageId, timestampSeconds, body).getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (String candidate : signatureHeader.trim().split(" ")) {
            if (candidate.startsWith("v1,")) {
                matched |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
            }
        }
        return matched;
    }
}
