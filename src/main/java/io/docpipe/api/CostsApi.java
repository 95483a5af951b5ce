package io.docpipe.api;

import io.docpipe.cost.Budget;
import io.docpipe.cost.CostLedger;
import io.docpipe.db.SqlStatements;
import io.docpipe.http.ApiException;
import io.docpipe.http.ApiResponse;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * {@code /api/v1/costs}: a UTC day's usage per service against its budget ({@code ?date=YYYY-MM-DD}, default today),
 * and {@code /api/v1/costs.csv}: the ledger over a range of days ({@code ?from=&to=}, default the last 30 days).
 */
public class CostsApi {

    static final int MAX_EXPORT_DAYS = 366;

    private final NamedParameterJdbcTemplate jdbc;
    private final CostLedger ledger;
    private final List<Budget> budgets;

    public CostsApi(NamedParameterJdbcTemplate jdbc, CostLedger ledger, List<Budget> budgets) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.budgets = budgets;
    }

    public ApiResponse day(@Header("date") String date) {
        LocalDate day = date == null || date.isBlank() ? ledger.today() : parse(date, "date");
        MapSqlParameterSource params = new MapSqlParameterSource("day", Date.valueOf(day));
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        jdbc.queryForList(SqlStatements.load("cost/find-day.sql"), params)
                .forEach(row -> rows.put((String) row.get("service"), row));
        Map<String, List<Integer>> alerts = new LinkedHashMap<>();
        jdbc.queryForList(SqlStatements.load("cost/find-alerts.sql"), params)
                .forEach(row -> alerts.computeIfAbsent((String) row.get("service"), s -> new ArrayList<>())
                        .add(((Number) row.get("threshold_percent")).intValue()));
        boolean today = day.equals(ledger.today());
        Map<String, Long> thisHour = new LinkedHashMap<>();
        if (today) {
            jdbc.queryForList(
                            SqlStatements.load("cost/find-hour.sql"),
                            new MapSqlParameterSource(
                                    "hour",
                                    Timestamp.from(ledger.clock().instant().truncatedTo(ChronoUnit.HOURS))))
                    .forEach(row ->
                            thisHour.put((String) row.get("service"), ((Number) row.get("requests")).longValue()));
        }
        Map<String, Object> services = new LinkedHashMap<>();
        BigDecimal total = BigDecimal.ZERO;
        for (Budget budget : budgets) {
            Map<String, Object> row = rows.getOrDefault(budget.service(), Map.of());
            BigDecimal spent = decimal(row.get("spent_usd"));
            BigDecimal reserved = decimal(row.get("reserved_usd"));
            // today's budget is the one in force; a past day shows the budget it had
            BigDecimal budgetUsd = today ? budget.dailyUsd() : (BigDecimal) row.get("budget_usd");
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("requests", number(row.get("requests")));
            usage.put(
                    budget.service().equals("llamaparse") ? "pages" : "tokens",
                    number(row.get(budget.service().equals("llamaparse") ? "pages" : "tokens")));
            usage.put("cost_usd", spent);
            usage.put("reserved_usd", reserved);
            usage.put("budget_usd", budgetUsd);
            usage.put(
                    "remaining_usd",
                    budgetUsd == null
                            ? null
                            : budgetUsd.subtract(spent).subtract(reserved).max(BigDecimal.ZERO));
            usage.put("max_requests_per_hour", budget.maxRequestsPerHour() == 0 ? null : budget.maxRequestsPerHour());
            // counted only under a cap
            usage.put(
                    "requests_this_hour",
                    today && budget.maxRequestsPerHour() > 0 ? thisHour.getOrDefault(budget.service(), 0L) : null);
            usage.put("alerts_percent", alerts.getOrDefault(budget.service(), List.of()));
            services.put(budget.service(), usage);
            total = total.add(spent);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("date", day.toString());
        body.put("services", services);
        body.put("total_cost_usd", total);
        return ApiResponse.ok(body);
    }

    public ApiResponse export(@Header("from") String from, @Header("to") String to) {
        LocalDate last = to == null || to.isBlank() ? ledger.today() : parse(to, "to");
        LocalDate first = from == null || from.isBlank() ? last.minusDays(29) : parse(from, "from");
        if (first.isAfter(last) || first.plusDays(MAX_EXPORT_DAYS).isBefore(last)) {
            throw ApiException.badRequest(
                    "from must not be after to, and the range at most " + MAX_EXPORT_DAYS + " days");
        }
        StringBuilder csv =
                new StringBuilder("date,service,requests,pages,tokens,cost_usd,reserved_usd,budget_usd\r\n");
        for (Map<String, Object> row : jdbc.queryForList(
                SqlStatements.load("cost/find-days.sql"),
                new MapSqlParameterSource()
                        .addValue("from_day", Date.valueOf(first))
                        .addValue("to_day", Date.valueOf(last)))) {
            csv.append(row.get("day"))
                    .append(',')
                    .append(row.get("service"))
                    .append(',')
                    .append(row.get("requests"))
                    .append(',')
                    .append(row.get("pages"))
                    .append(',')
                    .append(row.get("tokens"))
                    .append(',')
                    .append(plain(row.get("spent_usd")))
                    .append(',')
                    .append(plain(row.get("reserved_usd")))
                    .append(',')
                    .append(plain(row.get("budget_usd")))
                    .append("\r\n");
        }
        return ApiResponse.text(
                200,
                "text/csv; charset=utf-8",
                csv.toString(),
                "attachment; filename=\"docpipe-costs-" + first + "-to-" + last + ".csv\"");
    }

    private static LocalDate parse(String value, String name) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a date like 2026-11-24");
        }
    }

    private static BigDecimal decimal(Object value) {
        return value == null ? BigDecimal.ZERO : ((BigDecimal) value).stripTrailingZeros();
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static String plain(Object value) {
        return value == null ? "" : ((BigDecimal) value).stripTrailingZeros().toPlainString();
    }
}
