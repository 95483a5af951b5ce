package io.docpipe.config;

import io.docpipe.api.HealthApi.ServiceHealth;
import io.docpipe.document.ParsedTextPages;
import io.docpipe.parse.LlamaParseApi;
import io.docpipe.parse.LlamaParseBudget;
import io.docpipe.parse.LlamaParseStage;
import io.docpipe.parse.LlamaParseV1Api;
import io.docpipe.parse.LlamaParseV2Api;
import io.docpipe.parse.MockParseStage;
import io.docpipe.provider.ProviderHttp;
import io.docpipe.storage.StorageOutage;
import io.docpipe.webhook.LlamaParseWebhook;
import io.docpipe.webhook.WebhookSignatureCheck;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parse stage: the local mock, and LlamaParse (its API generation, budget gate, paced HTTP edge, fallback) with
 * the webhook that tells when a LlamaParse job ended.
 */
final class ParseWiring {

    private static final Logger LOG = LoggerFactory.getLogger(ParseWiring.class);

    private ParseWiring() {}

    /** LlamaParse's API generation, the URL it calls back and a page's expected credits, checked before anything starts. */
    record LlamaParseSettings(LlamaParseApi api, String webhookUrl, BigDecimal creditsPerPage) {

        static LlamaParseSettings read(Settings settings) {
            String webhookUrl = ParseWiring.webhookUrl(settings);
            LlamaParseApi api = llamaParseApi(settings, webhookUrl);
            return new LlamaParseSettings(api, webhookUrl, ParseWiring.creditsPerPage(settings, api));
        }
    }

    /** @return LlamaParse's state for the health API */
    static ServiceHealth bind(
            Foundation f,
            ProviderSettings llamaParse,
            LlamaParseSettings llamaParseSettings,
            CostWiring.Costs costs,
            StorageOutage storageOutage) {
        Settings settings = f.settings();
        LlamaParseApi api = llamaParseSettings.api();
        String webhookUrl = llamaParseSettings.webhookUrl();
        BigDecimal creditsPerPage = llamaParseSettings.creditsPerPage();
        if (llamaParse.mode().usesRealService()) {
            LOG.info(
                    "LlamaParse {}{}: a page is expected to cost {} credits",
                    api.version(),
                    api instanceof LlamaParseV2Api v2
                            ? ", tier " + v2.tier() + ", parser version "
                                    + settings.string("docpipe.llamaparse.parser-version")
                            : "",
                    creditsPerPage.stripTrailingZeros().toPlainString());
            if (webhookUrl.isEmpty()) {
                LOG.warn("PUBLIC_BASE_URL is not set: LlamaParse cannot call back, docpipe polls parse jobs instead");
            }
        }
        LlamaParseBudget gate = new LlamaParseBudget(
                costs.llamaParse(),
                costs.ledger(),
                f.documents(),
                f.extractor(),
                creditsPerPage,
                new BigDecimal(settings.string("docpipe.llamaparse.usd-per-credit")),
                settings.integer("docpipe.llamaparse.estimate-chars-per-page"));
        f.registry().bind("llamaParseBudget", gate);
        f.registry().bind("llamaparseCircuitBreaker", llamaParse.breaker());

        f.registry()
                .bind(
                        "mockParseStage",
                        new MockParseStage(
                                f.stateMachine(),
                                f.documents(),
                                f.storage(),
                                storageOutage,
                                f.extractor(),
                                new ParsedTextPages(f.jdbc()),
                                f.tx(),
                                settings.path("docpipe.data-dir").resolve("spool")));
        ProviderHttp http = llamaParse.http(
                f,
                "LlamaParse",
                api.errorPolicy(),
                Map.of(
                        LlamaParseApi.UPLOADS,
                        llamaParse.pacer(
                                "LlamaParse uploads", settings.integer("docpipe.llamaparse.requests-per-minute"), 0),
                        LlamaParseApi.READS,
                        llamaParse.pacer(
                                "LlamaParse reads",
                                settings.integer("docpipe.llamaparse.read-requests-per-minute"),
                                0)));
        f.registry().bind("llamaParseApi", api);
        f.registry().bind("llamaParseHttp", http);
        f.registry()
                .bind(
                        "llamaParseStage",
                        new LlamaParseStage(
                                f.stateMachine(),
                                f.documents(),
                                f.storage(),
                                storageOutage,
                                api,
                                f.jdbc(),
                                f.tx(),
                                gate,
                                new ParsedTextPages(f.jdbc())));
        // an upload in doubt waits for the webhook of the parse job it may have created before it is made again
        f.registry()
                .bind(
                        "llamaParseFallback",
                        llamaParse.fallback(
                                f, Duration.ofSeconds(settings.number("docpipe.llamaparse.webhook-wait-seconds"))));

        // the webhook: verified and recorded; the fetch stage reads the result
        f.registry().bind("llamaParseWebhook", new LlamaParseWebhook(f.jdbc(), f.tx(), f.stateMachine()));
        f.registry()
                .bind(
                        "webhookSignatureCheck",
                        new WebhookSignatureCheck(
                                settings.string("docpipe.llamaparse.webhook-secret"),
                                settings.number("docpipe.llamaparse.webhook-max-bytes")));
        return new ServiceHealth(llamaParse.mode(), llamaParse.breaker(), http.stats());
    }

    private static String webhookUrl(Settings settings) {
        String base = settings.string("docpipe.public-base-url");
        return base.isEmpty() ? "" : base.replaceAll("/+$", "") + "/api/v1/webhooks/llamaparse";
    }

    /**
     * LlamaParse's API generation ({@code LLAMAPARSE_API_VERSION}: v2, the default, or v1) with its settings; a value
     * LlamaParse does not offer stops the start naming its variable.
     */
    private static LlamaParseApi llamaParseApi(Settings settings, String webhookUrl) {
        String secret = settings.string("docpipe.llamaparse.webhook-secret");
        String tier = settings.string("docpipe.llamaparse.tier");
        if (!LlamaParseV2Api.TIERS.contains(tier)) {
            throw new StartupRefusedException("LLAMAPARSE_TIER must be one of "
                    + String.join(", ", LlamaParseV2Api.TIERS) + ", was '" + tier + "'");
        }
        String parserVersion = settings.string("docpipe.llamaparse.parser-version");
        if (!parserVersion.matches("latest|\\d{4}-\\d{2}-\\d{2}")) {
            throw new StartupRefusedException(
                    "LLAMAPARSE_PARSER_VERSION must be latest or a date such as 2026-08-19, was '" + parserVersion
                            + "'");
        }
        return switch (settings.string("docpipe.llamaparse.api-version")) {
            case "v2" -> new LlamaParseV2Api(webhookUrl, secret, tier, parserVersion);
            case "v1" -> new LlamaParseV1Api(webhookUrl, secret);
            default ->
                throw new StartupRefusedException("LLAMAPARSE_API_VERSION must be v2 or v1, was '"
                        + settings.string("docpipe.llamaparse.api-version") + "'");
        };
    }

    /**
     * Credits a page is expected to cost: {@code docpipe.llamaparse.credits-per-page} when set, else the figure of
     * the v2 tier ({@code docpipe.llamaparse.credits-per-page.<tier>}); v1, which has no tiers, takes cost_effective's.
     */
    private static BigDecimal creditsPerPage(Settings settings, LlamaParseApi api) {
        String key = "docpipe.llamaparse.credits-per-page";
        String value = settings.string(key);
        if (value.isEmpty()) {
            key += "." + (api instanceof LlamaParseV2Api v2 ? v2.tier() : "cost_effective");
            value = settings.string(key);
        }
        try {
            BigDecimal credits = new BigDecimal(value);
            if (credits.signum() >= 0) {
                return credits;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new StartupRefusedException("property " + key + " must be a number of credits, was '" + value + "'");
    }
}
