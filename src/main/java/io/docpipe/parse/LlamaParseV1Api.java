package io.docpipe.parse;

import static io.docpipe.parse.LlamaParseJson.encode;
import static io.docpipe.parse.LlamaParseJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.provider.TransientProviderException;
import java.io.File;
import java.util.List;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

/**
 * LlamaParse v1 ({@code LLAMAPARSE_API_VERSION=v1}): the multipart upload to {@code /api/v1/parsing/upload} (its
 * default parse, no options but the webhook), the job's status at {@code /api/v1/parsing/job/{id}} (SUCCESS,
 * PARTIAL_SUCCESS, PENDING, ERROR, CANCELLED with an {@code error_code}), and the Markdown at
 * {@code …/result/markdown} with its {@code job_metadata}.
 */
public class LlamaParseV1Api implements LlamaParseApi {

    private final String webhookUrl;
    private final String webhookSecret;
    private final LlamaParseErrors errors = new LlamaParseErrors(detail ->
            "an option of its v1 parsing API (LLAMAPARSE_API_VERSION=v1; LLAMAPARSE_API_VERSION=v2 uses Parse v2)");

    /**
     * @param webhookUrl    where LlamaCloud should call back, or blank to rely on polling only
     * @param webhookSecret the HMAC key LlamaCloud signs deliveries with ({@code LC-Signature})
     */
    public LlamaParseV1Api(String webhookUrl, String webhookSecret) {
        this.webhookUrl = webhookUrl;
        this.webhookSecret = webhookSecret;
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public ProviderRequest upload(File file, String filename, String mediaType, String correlationId) {
        MultipartEntityBuilder form =
                MultipartEntityBuilder.create().addBinaryBody("file", file, ContentType.create(mediaType), filename);
        if (!webhookUrl.isBlank()) {
            // v1 takes the array as a JSON string in a form field
            form.addTextBody(
                    "webhook_configurations",
                    LlamaParseJson.write(
                            List.of(LlamaParseJson.webhookConfiguration(webhookUrl, correlationId, webhookSecret))),
                    ContentType.APPLICATION_JSON);
        }
        HttpEntity entity = form.build();
        return new ProviderRequest(
                "POST", "/api/v1/parsing/upload", entity.getContentType(), entity, UPLOADS, 0, this::readJobId);
    }

    @Override
    public ProviderRequest status(String parseJobId) {
        return ProviderRequest.get("/api/v1/parsing/job/" + encode(parseJobId), READS, this::readStatus);
    }

    @Override
    public ProviderRequest markdownResult(String parseJobId) {
        return ProviderRequest.get(
                "/api/v1/parsing/job/" + encode(parseJobId) + "/result/markdown", READS, this::readMarkdownResult);
    }

    @Override
    public ProviderHttp.ErrorPolicy errorPolicy() {
        return errors;
    }

    /** The job id of an upload's {@code {"id","status"}} answer. */
    public String readJobId(String body) {
        String id = LlamaParseJson.object(body).path("id").asText("");
        if (id.isBlank()) {
            throw new TransientProviderException("LlamaParse upload answer has no job id", null);
        }
        return id;
    }

    public ParseJobStatus readStatus(String body) {
        JsonNode node = LlamaParseJson.object(body);
        String status = node.path("status").asText("");
        if (status.isBlank()) {
            throw new TransientProviderException("LlamaParse status answer has no status", null);
        }
        return new ParseJobStatus(status, text(node, "error_code"), text(node, "error_message"));
    }

    public ParseResult readMarkdownResult(String body) {
        JsonNode node = LlamaParseJson.object(body);
        JsonNode markdown = node.get("markdown");
        if (markdown == null || !markdown.isTextual()) {
            throw new TransientProviderException("LlamaParse result has no markdown", null);
        }
        JsonNode metadata = node.path("job_metadata");
        return new ParseResult(
                markdown.asText(), LlamaParseJson.metadataPages(metadata), LlamaParseJson.metadataCredits(metadata));
    }
}
