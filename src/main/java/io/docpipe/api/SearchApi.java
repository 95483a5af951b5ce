package io.docpipe.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.db.SafeText;
import io.docpipe.http.ApiException;
import io.docpipe.http.ApiResponse;
import io.docpipe.search.QueryVectors;
import io.docpipe.search.SearchIndex.Hit;
import io.docpipe.search.SearchMode;
import io.docpipe.search.SearchRequest;
import io.docpipe.search.SearchService;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/** {@code POST /api/v1/search}: the request checked, and the hits with how complete the searched index is. */
public class SearchApi {

    /** Exchange variable: the checked {@link SearchRequest}. */
    public static final String REQUEST = "searchRequest";

    static final int DEFAULT_K = 10;
    static final int MAX_K = 100;
    static final int MAX_DOCUMENT_IDS = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SearchService search;
    private final int maxQueryChars;

    public SearchApi(SearchService search, int maxQueryChars) {
        this.search = search;
        this.maxQueryChars = maxQueryChars;
    }

    /** The request body read and checked; anything off is a 400 naming the field. */
    public SearchRequest request(@Body byte[] body) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        if (json == null || !json.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        JsonNode query = json.path("query");
        if (!query.isTextual() || query.asText().isBlank()) {
            throw ApiException.badRequest("query must be a non-empty string");
        }
        if (query.asText().length() > maxQueryChars) {
            throw ApiException.badRequest(
                    "query has " + query.asText().length() + " characters; at most " + maxQueryChars);
        }
        JsonNode k = json.path("k");
        if (!k.isMissingNode() && !k.isNull() && (!k.isIntegralNumber() || k.asLong() < 1 || k.asLong() > MAX_K)) {
            throw ApiException.badRequest("k must be a whole number from 1 to " + MAX_K);
        }
        JsonNode mode = json.path("mode");
        SearchMode searchMode = mode.isMissingNode() || mode.isNull()
                ? SearchMode.HYBRID
                : SearchMode.fromWireName(mode.isTextual() ? mode.asText() : "")
                        .orElseThrow(() -> ApiException.badRequest("mode must be hybrid, vector or keyword"));
        return new SearchRequest(
                query.asText(),
                k.isIntegralNumber() ? k.asInt() : DEFAULT_K,
                searchMode,
                documentIds(json.path("document_ids")));
    }

    /** The query text, for route embed-query. */
    public String query(@Variable(REQUEST) SearchRequest request) {
        return request.query();
    }

    public boolean usesVectors(@Variable(REQUEST) SearchRequest request) {
        return request.mode().usesVectors();
    }

    public ApiResponse search(@Variable(REQUEST) SearchRequest request, @Body Object vectors) throws IOException {
        SearchService.Results results = search.search(
                request, vectors instanceof QueryVectors queryVectors ? queryVectors : QueryVectors.none());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hits", results.hits().stream().map(SearchApi::hit).toList());
        body.put("pending_documents", results.pendingDocuments());
        body.put("index_lag", results.indexLag());
        return ApiResponse.ok(body);
    }

    private static Map<String, Object> hit(Hit hit) {
        Map<String, Object> embedding = new LinkedHashMap<>();
        embedding.put("provider", hit.provider());
        embedding.put("model", hit.model());
        embedding.put("fallback", hit.fallback());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("document_id", hit.documentId());
        json.put("filename", hit.filename());
        json.put("source_id", hit.sourceId());
        json.put("ordinal", hit.ordinal());
        json.put("text", hit.text());
        json.put("score", hit.score());
        json.put("embedding", embedding);
        return json;
    }

    private static Set<UUID> documentIds(JsonNode ids) {
        if (ids.isMissingNode() || ids.isNull()) {
            return null;
        }
        if (!ids.isArray() || ids.size() > MAX_DOCUMENT_IDS) {
            throw ApiException.badRequest(
                    "document_ids must be an array of at most " + MAX_DOCUMENT_IDS + " document ids");
        }
        Set<UUID> parsed = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            UUID uuid = canonicalUuid(id.isTextual() ? id.asText() : "");
            if (uuid == null) {
                throw ApiException.badRequest("document_ids must hold document ids (UUIDs); "
                        + SafeText.line(id.toString(), 60) + " is none");
            }
            parsed.add(uuid);
        }
        return parsed;
    }

    /** A UUID in its 36-character form only ({@link UUID#fromString} also takes shortened ones). */
    static UUID canonicalUuid(String text) {
        try {
            UUID uuid = UUID.fromString(text);
            return uuid.toString().equalsIgnoreCase(text) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
