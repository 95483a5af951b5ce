package io.docpipe.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.docpipe.provider.ProviderHttp;
import io.docpipe.provider.ProviderRequest;
import io.docpipe.provider.TransientProviderException;
import org.junit.jupiter.api.Test;

/** How docpipe reads LlamaParse Parse v2's answers and errors. */
class LlamaParseV2ApiTest {

    private final LlamaParseV2Api api = new LlamaParseV2Api("", "secret", "agentic", "2026-08-19");

    @Test
    void should_read_a_job_still_working_without_a_result() {
        ParseJobStatus status = api.readStatus("{\"job\":{\"id\":\"pjb-1\",\"project_id\":\"p\",\"status\":\"RUNNING\","
                + "\"error_message\":null,\"usage\":null}}");

        assertThat(status.pending()).isTrue();
        assertThat(status.result()).isNull();
    }

    @Test
    void should_join_the_pages_that_succeeded_in_page_order_and_keep_the_failed_ones() {
        ParseJobStatus status =
                api.readStatus("{\"job\":{\"id\":\"pjb-1\",\"status\":\"COMPLETED\",\"usage\":{\"credits\":41}},"
                        + "\"markdown\":{\"pages\":["
                        + "{\"page_number\":3,\"success\":true,\"markdown\":\"three\"},"
                        + "{\"page_number\":2,\"success\":false,\"error\":\"timed out\"},"
                        + "{\"page_number\":1,\"success\":true,\"markdown\":\"one\\n\"},"
                        + "{\"page_number\":4,\"success\":false,\"error\":\"bad image\"}]}}");

        assertThat(status.succeeded()).isTrue();
        ParseResult result = status.result();
        assertThat(result.markdown()).isEqualTo("one\n\n---\n\nthree");
        assertThat(result.failedPages()).containsExactly(2, 4);
        assertThat(result.pageError()).isEqualTo("timed out");
        assertThat(result.pages()).isEqualTo(4);
        assertThat(result.credits()).isEqualByComparingTo("41");
        assertThat(result.failedPagesDetail()).isEqualTo("pages 2, 4 failed (timed out)");
    }

    @Test
    void should_take_the_credits_of_the_job_metadata_when_usage_is_not_billed_yet() {
        ParseResult result = api.readResult("{\"job\":{\"id\":\"pjb-1\",\"status\":\"COMPLETED\",\"usage\":null},"
                + "\"markdown\":{\"pages\":[{\"page_number\":1,\"success\":true,\"markdown\":\"one\"}]},"
                + "\"job_metadata\":{\"credits_used\":10.0,\"job_pages\":1}}");

        assertThat(result.credits()).isEqualByComparingTo("10");
        assertThat(result.pages()).isEqualTo(1);
    }

    @Test
    void should_read_a_failed_job_with_its_message_and_no_code() {
        ParseJobStatus status = api.readStatus(
                "{\"job\":{\"id\":\"pjb-1\",\"status\":\"FAILED\"," + "\"error_message\":\"Too many pages failed\"}}");

        assertThat(status.succeeded()).isFalse();
        assertThat(status.pending()).isFalse();
        assertThat(status.errorCode()).isNull();
        assertThat(status.errorMessage()).isEqualTo("Too many pages failed");
    }

    @Test
    void should_treat_a_completed_job_without_its_pages_as_unreadable_for_now() {
        assertThatThrownBy(() -> api.readStatus("{\"job\":{\"id\":\"pjb-1\",\"status\":\"COMPLETED\"}}"))
                .isInstanceOf(TransientProviderException.class)
                .hasMessageContaining("no markdown pages");
    }

    @Test
    void should_read_the_id_of_a_flat_create_answer() {
        assertThat(api.readJobId("{\"id\":\"pjb-9\",\"project_id\":\"p\",\"status\":\"PENDING\"}"))
                .isEqualTo("pjb-9");
    }

    @Test
    void should_ask_for_the_result_with_the_status_expanded_as_repeated_values() {
        ProviderRequest request = api.status("pjb-1");

        assertThat(request.path()).isEqualTo("/api/v2/parse/pjb-1");
        assertThat(request.query()).isEqualTo("expand=markdown&expand=usage&expand=job_metadata");
        assertThat(request.lane()).isEqualTo(LlamaParseApi.READS);
    }

    @Test
    void should_name_the_retired_option_in_a_410_and_class_errors_as_v1() {
        ProviderHttp.ErrorPolicy errors = api.errorPolicy();

        assertThat(errors.read(410, "{\"detail\":\"Version 2026-08-19 was retired\"}")
                        .message())
                .isEqualTo("LlamaParse retired an option docpipe sends (LLAMAPARSE_PARSER_VERSION=2026-08-19): "
                        + "Version 2026-08-19 was retired");
        assertThat(errors.read(410, "{\"detail\":\"The agentic tier is gone\"}").message())
                .startsWith("LlamaParse retired an option docpipe sends (LLAMAPARSE_TIER=agentic)");
        assertThat(errors.read(410, "Gone").message())
                .startsWith(
                        "LlamaParse retired an option docpipe sends (LLAMAPARSE_PARSER_VERSION=2026-08-19, LLAMAPARSE_TIER=agentic)");
        for (int status : new int[] {401, 402, 403, 404, 410, 413, 422}) {
            assertThat(errors.isPermanent(status, errors.read(status, "{}")))
                    .as("HTTP %d", status)
                    .isTrue();
        }
        for (int status : new int[] {429, 500, 502, 503, 504}) {
            assertThat(errors.isPermanent(status, errors.read(status, "{}")))
                    .as("HTTP %d", status)
                    .isFalse();
        }
        assertThat(errors.isRateLimit(429, errors.read(429, "{\"detail\":\"Too many requests\"}")))
                .isTrue();
    }
}
