package io.docpipe.parse;

import static io.docpipe.parse.LlamaParseJson.encode;
import static io.docpipe.parse.LlamaParseJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.provider.TransientProviderException;
import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

/**
 * LlamaParse Parse v2 ({@code LLAMAPARSE_API_VERSION=v2}, the default).
 * <ul>
 * <li>Create: {@code POST /api/v2/parse/upload}, multipart {@code file} plus {@code configuration}, a JSON string of
 * {@code {"tier","version","webhook_configurations":[…]}}; the answer is the flat job {@code {"id","status",…}}. One
 * request carries the document, as v1's upload did: it is the one paid call, so an answer lost on the way leaves one
 * parse job to adopt from its webhook, never a stored file waiting for a second call.</li>
 * <li>Status and result in one read: {@code GET /api/v2/parse/{id}?expand=markdown&expand=usage&expand=job_metadata}
 * answers {@code {"job":{"status","error_message","usage":{"credits"}},"markdown":{"pages":[…]}}}; while the job is
 * PENDING or RUNNING only its status is there. Pages come as {@code {page_number, success:true, markdown}} or
 * {@code {page_number, success:false, error}}: the Markdown is the successful pages joined in page order, and the
 * failed page numbers are kept. The {@code fast} tier has no Markdown: its {@code text} pages are read instead.</li>
 * <li>Statuses PENDING, RUNNING, COMPLETED, FAILED, CANCELLED; a failure has an {@code error_message}, no code.</li>
 * </ul>
 */
public class LlamaParseV2Api implements LlamaParseApi {

    /** The tiers LlamaParse v2 offers ({@code LLAMAPARSE_TIER}). */
    public static final List<String> TIERS = List.of("fast", "cost_effective", "agentic", "agentic_plus");

    /** Between two pages of the joined Markdown, as v1 separates the pages of its result. */
    static final String PAGE_SEPARATOR = "\n\n---\n\n";

    private final String webhookUrl;
    private final String webhookSecret;
    private final String tier;
    private final String parserVersion;
    private final String resultKey;
    private final String expand;
    private final LlamaParseErrors errors;

    /**
     * @param webhookUrl    where LlamaCloud should call back, or blank to rely on polling only
     * @param webhookSecret the HMAC key LlamaCloud signs deliveries with ({@code LC-Signature})
     * @param tier          one of {@link #TIERS}
     * @param parserVersion {@code latest} or a dated version of the tier
     */
    public LlamaParseV2Api(String webhookUrl, String webhookSecret, String tier, String parserVersion) {
        if (!TIERS.contains(tier)) {
            throw new IllegalArgumentException("unknown tier " + tier);
        }
        this.webhookUrl = webhookUrl;
        this.webhookSecret = webhookSecret;
        this.tier = tier;
        this.parserVersion = parserVersion;
        this.resultKey = tier.equals("fast") ? "text" : "markdown";
        // repeated, as the SDKs send a list (FastAPI reads it natively)
        this.expand = "expand=" + resultKey + "&expand=usage&expand=job_metadata";
        this.errors = new LlamaParseErrors(this::retiredOption);
    }

    @Override
    public String version() {
        return "v2";
    }

    public String tier() {
        return tier;
    }

    @Override
    public ProviderRequest upload(File file, String filename, String mediaType, String correlationId) {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("tier", tier);
        configuration.put("version", parserVersion);
        if (!webhookUrl.isBlank()) {
            configuration.put(
                    "webhook_configurations",
                    List.of(LlamaParseJson.webhookConfiguration(webhookUrl, correlationId, webhookSecret)));
        }
        HttpEntity entity = MultipartEntityBuilder.create()
                .addBinaryBody("file", file, ContentType.create(mediaType), filename)
                .addTextBody("configuration", LlamaParseJson.write(configuration), ContentType.APPLICATION_JSON)
                .build();
        return new ProviderRequest(
                "POST", "/api/v2/parse/upload", entity.getContentType(), entity, UPLOADS, 0, this::readJobId);
    }

    @Override
    public ProviderRequest status(String parseJobId) {
        return ProviderRequest.get("/api/v2/parse/" + encode(parseJobId), expand, READS, this::readStatus);
    }

    /** The same read as {@link #status}: v2 answers the result with the status. */
    @Override
    public ProviderRequest markdownResult(String parseJobId) {
        return ProviderRequest.get("/api/v2/parse/" + encode(parseJobId), expand, READS, this::readResult);
    }

    @Override
    public ProviderHttp.ErrorPolicy errorPolicy() {
        return errors;
    }

    /** The job id of a create answer: the flat job {@code {"id","status",…}} (or one wrapped in {@code job}). */
    public String readJobId(String body) {
        JsonNode root = LlamaParseJson.object(body);
        String id = job(root).path("id").asText("");
        if (id.isBlank()) {
            throw new TransientProviderException("LlamaParse create answer has no job id", null);
        }
        return id;
    }

    /** The job's status, with its result once it is COMPLETED. */
    public ParseJobStatus readStatus(String body) {
        JsonNode root = LlamaParseJson.object(body);
        JsonNode job = job(root);
        String status = job.path("status").asText("").toUpperCase(Locale.ROOT);
        if (status.isBlank()) {
            throw new TransientProviderException("LlamaParse status answer has no status", null);
        }
        ParseJobStatus read = new ParseJobStatus(status, null, text(job, "error_message"));
        return read.succeeded() ? new ParseJobStatus(status, null, read.errorMessage(), result(root, job)) : read;
    }

    public ParseResult readResult(String body) {
        ParseJobStatus status = readStatus(body);
        if (status.result() == null) {
            throw new TransientProviderException("LlamaParse job is " + status.status() + ", it has no result", null);
        }
        return status.result();
    }

    private ParseResult result(JsonNode root, JsonNode job) {
        JsonNode expanded = root.get(resultKey);
        if (expanded == null || expanded.isNull()) {
            expanded = root.get(resultKey.equals("text") ? "markdown" : "text");
        }
        JsonNode metadata = root.path("job_metadata");
        BigDecimal credits = credits(job, metadata);
        if (expanded != null && expanded.isTextual()) {
            return new ParseResult(expanded.asText(), LlamaParseJson.metadataPages(metadata), credits);
        }
        JsonNode pages = expanded == null ? null : expanded.get("pages");
        if (pages == null || !pages.isArray()) {
            throw new TransientProviderException("LlamaParse result has no " + resultKey + " pages", null);
        }
        List<JsonNode> ordered = new ArrayList<>();
        pages.forEach(ordered::add);
        // stable: pages without a number keep their place after the numbered ones
        ordered.sort(Comparator.comparingInt(page -> page.path("page_number").asInt(Integer.MAX_VALUE)));
        List<String> texts = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        String pageError = null;
        for (JsonNode page : ordered) {
            if (page.path("success").asBoolean(true)) {
                String text = page.path(page.has("markdown") ? "markdown" : page.has("md") ? "md" : "text")
                        .asText("");
                if (!text.isBlank()) {
                    texts.add(text.strip());
                }
            } else {
                failed.add(page.path("page_number").asInt(0));
                if (pageError == null) {
                    pageError = text(page, "error");
                }
            }
        }
        Integer pageCount =
                ordered.isEmpty() ? LlamaParseJson.metadataPages(metadata) : Integer.valueOf(ordered.size());
        return new ParseResult(String.join(PAGE_SEPARATOR, texts), pageCount, credits, failed, pageError);
    }

    /** The credits the job reports: {@code job.usage.credits}, else its {@code job_metadata}'s; null if neither. */
    private static BigDecimal credits(JsonNode job, JsonNode metadata) {
        JsonNode credits = job.path("usage").get("credits");
        if (credits != null && credits.isNumber()) {
            return credits.decimalValue();
        }
        return LlamaParseJson.metadataCredits(metadata);
    }

    private static JsonNode job(JsonNode root) {
        JsonNode job = root.get("job");
        return job != null && job.isObject() ? job : root;
    }

    /** The setting a 410 retired: the parser version or the tier when LlamaParse's message names it, else both. */
    private String retiredOption(String detail) {
        String said = detail.toLowerCase(Locale.ROOT);
        boolean version = names(said, "version") || names(said, parserVersion.toLowerCase(Locale.ROOT));
        boolean tierNamed = names(said, "tier") || names(said, tier);
        List<String> options = new ArrayList<>();
        if (version || !tierNamed) {
            options.add("LLAMAPARSE_PARSER_VERSION=" + parserVersion);
        }
        if (tierNamed || !version) {
            options.add("LLAMAPARSE_TIER=" + tier);
        }
        return "an option docpipe sends (" + options.stream().collect(Collectors.joining(", ")) + ")";
    }

    /** Whether {@code text} has {@code word} as a word of its own ("retired" does not name a tier). */
    private static boolean names(String text, String word) {
        return Pattern.compile("(?<![a-z0-9_])" + Pattern.quote(word) + "(?![a-z0-9_])")
                .matcher(text)
                .find();
    }
}
