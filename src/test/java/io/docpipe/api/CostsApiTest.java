package io.docpipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.testsupport.ProviderStandIns;
import io.docpipe.testsupport.RunningDocpipe;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/costs} and its CSV export, after real (stand-in) calls with budgets set; LlamaParse on Parse v2,
 * the default (its job reports the 6 credits v1's did, so the figures are the same in either generation).
 */
class CostsApiTest {

    @Test
    void should_report_a_days_usage_against_each_budget_and_export_it_as_csv() {
        try (ProviderStandIns providers = ProviderStandIns.start()) {
            Map<String, String> properties = new HashMap<>(providers.properties("real", "real"));
            properties.put("docpipe.llamaparse.webhook-wait-seconds", "0");
            properties.put("docpipe.llamaparse.daily-budget-usd", "5");
            properties.put("docpipe.openai.daily-budget-usd", "1");
            properties.put("docpipe.openai.max-requests-per-hour", "100");
            try (RunningDocpipe app = RunningDocpipe.start(properties)) {
                String job = app.upload("costs.txt", "What did this document cost?".getBytes())
                        .json()
                        .path("job_id")
                        .asText();
                JsonNode done = app.awaitJobStatus(job, "complete", Duration.ofSeconds(30));
                String today = LocalDate.now(ZoneOffset.UTC).toString();

                JsonNode costs = app.get("/api/v1/costs").json();
                assertThat(costs.path("date").asText()).isEqualTo(today);
                JsonNode llamaParse = costs.path("services").path("llamaparse");
                assertThat(llamaParse.path("requests").asLong()).isEqualTo(1);
                assertThat(llamaParse.path("pages").asLong()).isEqualTo(2);
                // 6 credits at $0.00125
                assertThat(llamaParse.path("cost_usd").decimalValue()).isEqualByComparingTo("0.0075");
                assertThat(llamaParse.path("budget_usd").decimalValue()).isEqualByComparingTo("5");
                assertThat(llamaParse.path("remaining_usd").decimalValue()).isEqualByComparingTo("4.9925");
                JsonNode openAi = costs.path("services").path("openai");
                assertThat(openAi.path("requests").asLong()).isEqualTo(1);
                assertThat(openAi.path("tokens").asLong()).isPositive();
                assertThat(openAi.path("cost_usd").decimalValue()).isPositive();
                assertThat(openAi.path("max_requests_per_hour").asInt()).isEqualTo(100);
                assertThat(openAi.path("requests_this_hour").asInt()).isEqualTo(1);
                assertThat(llamaParse.path("requests_this_hour").isNull()).isTrue(); // no hourly cap, not counted
                assertThat(openAi.path("alerts_percent")).isEmpty();
                assertThat(costs.path("total_cost_usd").decimalValue())
                        .isEqualByComparingTo(llamaParse
                                .path("cost_usd")
                                .decimalValue()
                                .add(openAi.path("cost_usd").decimalValue()));
                // a job's cost_usd keeps 6 decimals, the ledger 10
                assertThat(costs.path("total_cost_usd").decimalValue())
                        .isCloseTo(done.path("cost_usd").decimalValue(), within(new BigDecimal("0.000001")));

                assertThat(app.get("/api/v1/costs?date=2020-01-01")
                                .json()
                                .path("services")
                                .path("openai")
                                .path("cost_usd")
                                .decimalValue())
                        .isEqualByComparingTo("0");
                RunningDocpipe.Response bad = app.get("/api/v1/costs?date=yesterday");
                assertThat(bad.status()).isEqualTo(400);
                assertThat(bad.json().path("error").path("message").asText()).contains("date must be a date like");

                RunningDocpipe.Response csv = app.get("/api/v1/costs.csv?from=" + today + "&to=" + today);
                assertThat(csv.status()).isEqualTo(200);
                assertThat(csv.body().split("\r\n"))
                        .containsExactly(
                                "date,service,requests,pages,tokens,cost_usd,reserved_usd,budget_usd",
                                today + ",llamaparse,1,2,0,0.0075,0,5",
                                today + ",openai,1,0," + openAi.path("tokens").asLong() + ","
                                        + openAi.path("cost_usd")
                                                .decimalValue()
                                                .stripTrailingZeros()
                                                .toPlainString() + ",0,1");
                assertThat(app.get("/api/v1/costs.csv?from=" + today + "&to=2020-01-01")
                                .status())
                        .isEqualTo(400);
            }
        }
    }
}
