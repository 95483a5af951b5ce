package io.docpipe.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * LlamaParse Parse v2's answers as the reference gives their shapes (llamaparse-v2.md §1b): the flat job a create
 * answers, the {@code {"job":…}} of a GET with one key per {@code expand} value, pages that succeeded or failed,
 * credits per page per tier, FastAPI's 422 {@code detail} list. Used by the stand-ins and by tests that stub one
 * answer of their own.
 */
public final class LlamaParseV2Wire {

    /** Credits a page costs per tier, as the stand-ins bill them. */
    public static final Map<String, Integer> CREDITS_PER_PAGE =
            Map.of("fast", 1, "cost_effective", 3, "agentic", 10, "agentic_plus", 45);

    public static final String PROJECT_ID = "5f0c1b9e-7d1a-4c55-9a51-3f3c2e0d7a10";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LlamaParseV2Wire() {}

    /** One page of a result: {@code markdown} for a page that succeeded, or the {@code error} of one that failed. */
    public record Page(int number, String markdown, String error) {

        public static Page ok(int number, String markdown) {
            return new Page(number, markdown, null);
        }

        public static Page failed(int number, String error) {
            return new Page(number, null, error);
        }
    }

    /** The pages of the stand-ins' happy path: joined by docpipe, they are {@link ProviderStandIns#PARSED_MARKDOWN}. */
    public static List<Page> standardPages() {
        String[] texts = ProviderStandIns.PARSED_MARKDOWN.split("\n\n---\n\n");
        return IntStream.range(0, texts.length)
                .mapToObj(i -> Page.ok(i + 1, texts[i]))
                .toList();
    }

    /** A create's answer: the flat job, PENDING. */
    public static String created(String id, String tier) {
        return write(job(id, "PENDING", tier, null, null));
    }

    /** A job's status without any expanded result (an unfinished job, or a GET without {@code expand}). */
    public static String status(String id, String status, String tier, String errorMessage) {
        return get(id, status, tier, errorMessage, List.of(), Set.of());
    }

    /**
     * A GET's answer: {@code {"job":…}} plus one key per {@code expand} value. Results are there once the job is
     * COMPLETED; {@code usage} fills {@code job.usage.credits} (pages × the tier's rate); {@code markdown} is not
     * offered on the {@code fast} tier.
     */
    public static String get(
            String id, String status, String tier, String errorMessage, List<Page> pages, Set<String> expand) {
        boolean completed = status.equals("COMPLETED");
        Integer credits = completed ? pages.size() * CREDITS_PER_PAGE.getOrDefault(tier, 3) : null;
        return get(id, status, tier, errorMessage, pages, expand, credits);
    }

    /** As {@link #get(String, String, String, String, List, Set)}, reporting {@code credits} as the job's usage. */
    public static String get(
            String id,
            String status,
            String tier,
            String errorMessage,
            List<Page> pages,
            Set<String> expand,
            Integer credits) {
        ObjectNode root = JSON.createObjectNode();
        root.set("job", job(id, status, tier, errorMessage, expand.contains("usage") ? credits : null));
        if (status.equals("COMPLETED")) {
            if (expand.contains("markdown") && !tier.equals("fast")) {
                ArrayNode array = root.putObject("markdown").putArray("pages");
                for (Page page : pages) {
                    ObjectNode entry =
                            array.addObject().put("page_number", page.number()).put("success", page.error() == null);
                    if (page.error() == null) {
                        entry.put("markdown", page.markdown());
                    } else {
                        entry.put("error", page.error());
                    }
                }
            }
            if (expand.contains("text")) {
                ArrayNode array = root.putObject("text").putArray("pages");
                pages.stream().filter(page -> page.error() == null).forEach(page -> array.addObject()
                        .put("page_number", page.number())
                        .put("text", page.markdown()));
            }
            if (expand.contains("job_metadata")) {
                ObjectNode metadata = root.putObject("job_metadata");
                metadata.put("job_is_cache_hit", false);
                metadata.putObject("timing").put("total_seconds", 4.2);
            }
        }
        return write(root);
    }

    /** FastAPI's validation answer for a missing body field. */
    public static String missingField(String field) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putArray("detail").addObject();
        error.put("type", "missing").put("msg", "Field required").putObject("input");
        error.putArray("loc").add("body").add(field);
        return write(root);
    }

    /** The {@code expand} values of a request, sent repeated ({@code expand=a&expand=b}) or comma-separated. */
    public static Set<String> expand(Request request) {
        Set<String> values = new LinkedHashSet<>();
        var parameter = request.queryParameter("expand");
        if (parameter != null && parameter.isPresent()) {
            for (String value : parameter.values()) {
                values.addAll(Arrays.asList(value.split(",")));
            }
        }
        return values;
    }

    /** The {@code configuration} part of a create, or null when it is missing or not a JSON object. */
    public static JsonNode configuration(Request request) {
        try {
            Request.Part part = request.getPart("configuration");
            JsonNode configuration =
                    part == null ? null : JSON.readTree(part.getBody().asString());
            return configuration != null && configuration.isObject() ? configuration : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static ObjectNode job(String id, String status, String tier, String errorMessage, Integer credits) {
        ObjectNode job = JSON.createObjectNode();
        job.put("id", id)
                .put("project_id", PROJECT_ID)
                .put("status", status)
                .put("tier", tier)
                .putNull("name")
                .put("created_at", "2026-09-01T10:00:00Z")
                .put("updated_at", "2026-09-01T10:00:05Z");
        if (errorMessage == null) {
            job.putNull("error_message");
        } else {
            job.put("error_message", errorMessage);
        }
        if (credits == null) {
            job.putNull("usage");
        } else {
            job.putObject("usage").put("credits", credits);
        }
        job.putNull("user_metadata");
        return job;
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
