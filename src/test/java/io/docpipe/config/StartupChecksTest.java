package io.docpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.docpipe.testsupport.RunningDocpipe;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A real or hybrid mode without its key stops the start, naming the variable to set. */
class StartupChecksTest {

    @Test
    void should_refuse_real_llamaparse_without_its_key() {
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.llamaparse.mode", "real")))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage(
                        "LLAMAPARSE_API_KEY is required when LLAMAPARSE_MODE is real (set it, or use LLAMAPARSE_MODE=mock)");
    }

    @Test
    void should_refuse_more_embedding_dimensions_than_the_search_index_takes() {
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.embedding.dimensions", "4097")))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("EMBEDDING_DIMENSIONS must be from 1 to 4096 (the search index's limit), was 4097");
    }

    @Test
    void should_refuse_hybrid_openai_without_its_key() {
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.openai.mode", "hybrid")))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageStartingWith("OPENAI_API_KEY is required when OPENAI_MODE is hybrid");
    }

    @Test
    void should_refuse_an_unknown_mode() {
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.openai.mode", "sometimes")))
                .rootCause()
                .hasMessage("OPENAI_MODE must be mock, real or hybrid, was 'sometimes'");
    }

    @Test
    void should_refuse_a_budget_that_is_no_amount() {
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.openai.daily-budget-usd", "ten dollars")))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("OPENAI_DAILY_BUDGET_USD must be an amount of USD such as 5 or 12.50 (or unset for no cap),"
                        + " was 'ten dollars'");
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.llamaparse.daily-budget-usd", "-1")))
                .rootCause()
                .hasMessageStartingWith("LLAMAPARSE_DAILY_BUDGET_USD must be an amount of USD");
    }

    @Test
    void should_refuse_a_llamaparse_api_version_tier_or_parser_version_llamaparse_does_not_offer() {
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.llamaparse.api-version", "v3")))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("LLAMAPARSE_API_VERSION must be v2 or v1, was 'v3'");
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.llamaparse.tier", "premium")))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage(
                        "LLAMAPARSE_TIER must be one of fast, cost_effective, agentic, agentic_plus, was 'premium'");
        assertThatThrownBy(() -> RunningDocpipe.start(Map.of("docpipe.llamaparse.parser-version", "newest")))
                .rootCause()
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("LLAMAPARSE_PARSER_VERSION must be latest or a date such as 2026-08-19, was 'newest'");
    }

    @Test
    void should_refuse_a_port_that_is_taken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() ->
                            RunningDocpipe.start(Map.of("camel.server.port", String.valueOf(taken.getLocalPort()))))
                    .rootCause()
                    .isInstanceOf(StartupRefusedException.class)
                    .hasMessage("HTTP_PORT " + taken.getLocalPort()
                            + " is already in use (another docpipe?): stop it or set" + " HTTP_PORT to a free port");
        }
    }

    @Test
    void should_start_in_mock_mode_without_any_key() {
        try (RunningDocpipe app = RunningDocpipe.start(Map.of())) {
            assertThat(app.get("/api/v1/health").status()).isEqualTo(200);
        }
    }
}
