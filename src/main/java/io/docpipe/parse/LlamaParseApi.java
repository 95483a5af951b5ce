package io.docpipe.parse;

import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ProviderRequest;
import java.io.File;

/**
 * LlamaParse's wire format, in one of its two API generations ({@code LLAMAPARSE_API_VERSION}): the request that
 * starts a parse job with the signed webhook to call when it ends, the job's status, its Markdown with the credits it
 * cost, and the error answers. The parse stage, its budget, pacing, breaker, webhook and fetch step are the same for
 * both: only these requests and their readers differ.
 *
 * @see LlamaParseV1Api
 * @see LlamaParseV2Api
 */
public interface LlamaParseApi {

    /** The endpoint class of submissions: LlamaParse limits them per organization (50 per 10 s). */
    String UPLOADS = "uploads";
    /** The endpoint class of status and result reads, limited apart from submissions. */
    String READS = "reads";

    /** {@code v1} or {@code v2}. */
    String version();

    /** The paid request: the document with its options and webhook; its reader answers the parse job's id. */
    ProviderRequest upload(File file, String filename, String mediaType, String correlationId);

    /**
     * The parse job's status; its reader answers a {@link ParseJobStatus}, with the {@link ParseResult} when the
     * answer carries it (v2), so that no second request is needed.
     */
    ProviderRequest status(String parseJobId);

    /** The Markdown of a job whose status said it succeeded; its reader answers a {@link ParseResult}. */
    ProviderRequest markdownResult(String parseJobId);

    /** How this generation's error answers read, and which are definitive. */
    ProviderHttp.ErrorPolicy errorPolicy();

    static String abbreviate(String message) {
        return message == null || message.length() <= 300 ? message : message.substring(0, 300) + "…";
    }
}
