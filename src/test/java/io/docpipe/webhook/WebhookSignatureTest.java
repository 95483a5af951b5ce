package io.docpipe.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The published test vectors of GitHub and Standard Webhooks (external-apis.md §3) through docpipe's MAC code. */
class WebhookSignatureTest {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String GITHUB_SECRET = "It's a Secret to Everybody";
    private static final String GITHUB_SIGNATURE =
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SW_TIMESTAMP = 1614265330L;
    private static final byte[] SW_PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SW_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void should_sign_the_github_vector() {
        assertThat(WebhookSignature.sign(GITHUB_SECRET, HELLO)).isEqualTo(GITHUB_SIGNATURE);
    }

    @Test
    void should_verify_the_github_vector_in_both_header_forms() {
        assertThat(WebhookSignature.verify(GITHUB_SECRET, HELLO, GITHUB_SIGNATURE))
                .isTrue();
        assertThat(WebhookSignature.verify(GITHUB_SECRET, HELLO, GITHUB_SIGNATURE.substring("sha256=".length())))
                .isTrue();
        assertThat(WebhookSignature.verify(
                        GITHUB_SECRET, HELLO, GITHUB_SIGNATURE.toUpperCase().replace("SHA256=", "sha256=")))
                .isTrue();
    }

    @Test
    void should_reject_wrong_truncated_and_malformed_signatures() {
        assertThat(WebhookSignature.verify(
                        GITHUB_SECRET, "Hello, World?".getBytes(StandardCharsets.UTF_8), GITHUB_SIGNATURE))
                .isFalse();
        assertThat(WebhookSignature.verify("another secret", HELLO, GITHUB_SIGNATURE))
                .isFalse();
        assertThat(WebhookSignature.verify(GITHUB_SECRET, HELLO, GITHUB_SIGNATURE.substring(0, 40)))
                .isFalse();
        assertThat(WebhookSignature.verify(GITHUB_SECRET, HELLO, "sha256=not-hex"))
                .isFalse();
        assertThat(WebhookSignature.verify(GITHUB_SECRET, HELLO, "")).isFalse();
        assertThat(WebhookSignature.verify("", HELLO, GITHUB_SIGNATURE)).isFalse();
    }

    @Test
    void should_sign_the_standard_webhooks_vector() {
        assertThat(WebhookSignature.signStandardWebhook(SW_SECRET, SW_ID, SW_TIMESTAMP, SW_PAYLOAD))
                .isEqualTo(SW_SIGNATURE);
    }

    @Test
    void should_verify_the_standard_webhooks_vector_and_its_negative() {
        assertThat(WebhookSignature.verifyStandardWebhook(SW_SECRET, SW_ID, SW_TIMESTAMP, SW_PAYLOAD, SW_SIGNATURE))
                .isTrue();
        assertThat(WebhookSignature.verifyStandardWebhook(
                        SW_SECRET, SW_ID, SW_TIMESTAMP, SW_PAYLOAD, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="))
                .isFalse();
    }

    @Test
    void should_accept_a_standard_webhooks_header_with_several_signatures() {
        String header =
                "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
                        + SW_SIGNATURE + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
        assertThat(WebhookSignature.verifyStandardWebhook(SW_SECRET, SW_ID, SW_TIMESTAMP, SW_PAYLOAD, header))
                .isTrue();
    }
}
