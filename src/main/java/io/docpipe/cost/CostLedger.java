package io.docpipe.cost;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.JobStateMachine;
import io.docpipe.observe.Meters;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What each external service costs per UTC day, in PostgreSQL. Before a real call its expected cost is reserved
 * against the day's budget and the hour's request cap in one transaction whose conditional updates lock the
 * ledger rows, so workers and instances together never pass either; after the call the reservation is settled with
 * what the provider reported. Crossing 50, 80 or 100 % of a budget raises an alert once per day and threshold.
 */
public class CostLedger {

    private static final Logger LOG = LoggerFactory.getLogger(CostLedger.class);
    static final int[] ALERT_THRESHOLDS_PERCENT = {50, 80, 100};

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String actor;
    private final JobStateMachine jobs;
    private final Meters meters;
    private final Duration reservationTimeout;

    /**
     * @param jobs               writes alerts into the event log of the job that crossed a threshold
     * @param reservationTimeout after this a reservation nobody settled is released by a sweep
     */
    public CostLedger(
            NamedParameterJdbcTemplate jdbc,
            TransactionTemplate tx,
            Clock clock,
            String actor,
            JobStateMachine jobs,
            Meters meters,
            Duration reservationTimeout) {
        this.reservationTimeout = reservationTimeout;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.actor = actor;
        this.jobs = jobs;
        this.meters = meters;
    }

    public Clock clock() {
        return clock;
    }

    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** The outcome of {@link #reserve}: exactly one of the two is set. */
    public record Outcome(Reservation reservation, BudgetRefusal refusal) {}

    /**
     * Reserves {@code usd} for a call, and one request of the hour's cap (given back if the call is not sent).
     *
     * @param job the job the call is for (its event log gets any alert), or null
     */
    public Outcome reserve(Budget budget, BigDecimal usd, UUID job) {
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("service", budget.service())
                .addValue("day", Date.valueOf(day))
                .addValue("hour", Timestamp.from(hour))
                .addValue("usd", usd)
                .addValue("budget_usd", budget.dailyUsd())
                .addValue("max_requests", budget.maxRequestsPerHour());
        if (budget.dailyUsd() != null && usd.compareTo(budget.dailyUsd()) > 0) {
            meters.budgetRefusal(budget.service(), "over_daily_budget");
            return new Outcome(
                    null,
                    new BudgetRefusal(
                            budget.service(),
                            "over_daily_budget",
                            budget.service()
                                    + " would cost an estimated $" + plain(usd)
                                    + ", more than the whole daily budget of $"
                                    + plain(budget.dailyUsd()),
                            null));
        }
        Outcome outcome = tx.execute(status -> {
            if (budget.maxRequestsPerHour() > 0) {
                jdbc.update(SqlStatements.load("cost/open-hour.sql"), params);
                if (jdbc.queryForList(SqlStatements.load("cost/reserve-hour.sql"), params, Long.class)
                        .isEmpty()) {
                    return new Outcome(
                            null,
                            new BudgetRefusal(
                                    budget.service(),
                                    "hourly_requests",
                                    budget.service() + " hourly request cap of " + budget.maxRequestsPerHour()
                                            + " reached",
                                    hour.plus(1, ChronoUnit.HOURS)));
                }
            }
            jdbc.update(SqlStatements.load("cost/open-day.sql"), params);
            List<BigDecimal> committed =
                    jdbc.queryForList(SqlStatements.load("cost/reserve-day.sql"), params, BigDecimal.class);
            if (committed.isEmpty()) {
                status.setRollbackOnly(); // the hour's request was counted for a call that is not made
                return new Outcome(
                        null,
                        new BudgetRefusal(
                                budget.service(),
                                "daily_budget",
                                budget.service() + " daily budget of $" + plain(budget.dailyUsd()) + " cannot take $"
                                        + plain(usd) + " more",
                                day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
            }
            raiseCrossedAlerts(
                    budget.service(), day, committed.get(0).subtract(usd), committed.get(0), budget.dailyUsd(), job);
            Instant cappedHour = budget.maxRequestsPerHour() > 0 ? hour : null;
            long id = jdbc.queryForObject(
                    SqlStatements.load("cost/hold-reservation.sql"),
                    new MapSqlParameterSource()
                            .addValue("service", budget.service())
                            .addValue("day", Date.valueOf(day))
                            .addValue("hour", cappedHour == null ? null : Timestamp.from(cappedHour))
                            .addValue("usd", usd)
                            .addValue("job_id", job)
                            .addValue("owner", actor)
                            .addValue("timeout_seconds", reservationTimeout.toSeconds()),
                    Long.class);
            return new Outcome(new Reservation(id, budget.service(), day, usd, cappedHour), null);
        });
        if (outcome.refusal() != null) {
            meters.budgetRefusal(budget.service(), outcome.refusal().limit());
            if (outcome.refusal().limit().equals("daily_budget")) {
                // no row when the refused reservation was the day's first (its rollback took the new row with it)
                BigDecimal committed =
                        jdbc
                                .queryForList(SqlStatements.load("cost/find-committed.sql"), params, BigDecimal.class)
                                .stream()
                                .findFirst()
                                .orElse(BigDecimal.ZERO);
                alert(budget.service(), day, 100, committed, budget.dailyUsd(), job);
            }
        }
        return outcome;
    }

    /**
     * Replaces a reservation by the call's actual cost: zero when it failed or was never made. Only a call that was
     * sent counts as a request, for the day and for the hour's cap.
     *
     * @param job the job whose event log gets any alert, or null
     */
    public void settle(Reservation reservation, BigDecimal actualUsd, long pages, long tokens, UUID job, boolean sent) {
        tx.executeWithoutResult(status -> {
            // a reservation the expiry sweep released already holds nothing any more
            boolean held = take(reservation);
            book(
                    reservation.service(),
                    reservation.day(),
                    held ? reservation.usd() : BigDecimal.ZERO,
                    actualUsd,
                    pages,
                    tokens,
                    sent ? 1 : 0,
                    job);
            if (held && !sent && reservation.hour() != null) {
                jdbc.update(
                        SqlStatements.load("cost/release-hour.sql"),
                        new MapSqlParameterSource()
                                .addValue("service", reservation.service())
                                .addValue("hour", Timestamp.from(reservation.hour())));
            }
        });
        meters.providerCost(reservation.service(), actualUsd.doubleValue());
    }

    /**
     * LlamaParse accepted a job: it bills when the job finishes, so the estimate counts as spent now and is kept on
     * the job, to be corrected by {@link #correctParseEstimate} when the result reports the actual credits.
     */
    public void commitParseEstimate(UUID job, Reservation reservation) {
        tx.executeWithoutResult(status -> {
            book(
                    reservation.service(),
                    reservation.day(),
                    take(reservation) ? reservation.usd() : BigDecimal.ZERO,
                    reservation.usd(),
                    0,
                    0,
                    1,
                    job);
            jdbc.update(
                    SqlStatements.load("cost/record-parse-estimate.sql"),
                    new MapSqlParameterSource()
                            .addValue("job_id", job)
                            .addValue("usd", reservation.usd())
                            .addValue("day", Date.valueOf(reservation.day())));
        });
    }

    /**
     * Replaces a parse job's committed estimate by its actual cost, on the day it was committed; once, however
     * often the result is delivered. Call inside the transaction that stores the result. A job without an estimate
     * (a LlamaParse job adopted from its webhook after its upload's process died) books its actual cost today.
     */
    public void correctParseEstimate(String service, UUID job, BigDecimal actualUsd, long pages) {
        List<Map<String, Object>> estimate = jdbc.queryForList(
                SqlStatements.load("cost/take-parse-estimate.sql"), new MapSqlParameterSource("job_id", job));
        if (estimate.isEmpty()) {
            jdbc.update(
                    SqlStatements.load("cost/open-day.sql"),
                    new MapSqlParameterSource()
                            .addValue("service", service)
                            .addValue("day", Date.valueOf(today()))
                            .addValue("budget_usd", null));
            book(service, today(), BigDecimal.ZERO, actualUsd, pages, 0, 1, job);
            meters.providerCost(service, actualUsd.doubleValue());
            return;
        }
        BigDecimal estimated = (BigDecimal) estimate.get(0).get("usd");
        LocalDate day = ((Date) estimate.get(0).get("day")).toLocalDate();
        book(service, day, BigDecimal.ZERO, actualUsd.subtract(estimated), pages, 0, 0, job);
        meters.providerCost(service, actualUsd.doubleValue());
    }

    /**
     * Gives back reservations whose process never settled them (it died between reserve and settle): past their
     * expiry, or, on the embedded database at start, all of them (their process is gone). The request each held in
     * the hour's cap is given back too: nothing says it was sent.
     *
     * @return the reservations released
     */
    public int releaseAbandonedReservations(boolean all, int limit) {
        Integer released = tx.execute(status -> {
            List<Map<String, Object>> rows = jdbc.queryForList(
                    SqlStatements.load("cost/release-abandoned-reservations.sql"),
                    new MapSqlParameterSource().addValue("all", all).addValue("limit", limit));
            for (Map<String, Object> row : rows) {
                String service = (String) row.get("service");
                book(
                        service,
                        ((Date) row.get("day")).toLocalDate(),
                        (BigDecimal) row.get("usd"),
                        BigDecimal.ZERO,
                        0,
                        0,
                        0,
                        (UUID) row.get("job_id"));
                if (row.get("hour") != null) {
                    jdbc.update(
                            SqlStatements.load("cost/release-hour.sql"),
                            new MapSqlParameterSource()
                                    .addValue("service", service)
                                    .addValue("hour", row.get("hour")));
                }
            }
            return rows.size();
        });
        if (released != null && released > 0) {
            LOG.warn("released {} budget reservations their process never settled", released);
        }
        return released == null ? 0 : released;
    }

    /** Deletes the reservation's row; false when the expiry sweep released it already. */
    private boolean take(Reservation reservation) {
        return jdbc.update(
                        SqlStatements.load("cost/take-reservation.sql"),
                        new MapSqlParameterSource("id", reservation.id()))
                == 1;
    }

    /** Moves {@code releasedUsd} out of the day's reservations and adds {@code spentUsd} (maybe negative) to its spend. */
    private void book(
            String service,
            LocalDate day,
            BigDecimal releasedUsd,
            BigDecimal spentUsd,
            long pages,
            long tokens,
            int requests,
            UUID job) {
        Map<String, Object> after = jdbc.queryForMap(
                SqlStatements.load("cost/settle.sql"),
                new MapSqlParameterSource()
                        .addValue("service", service)
                        .addValue("day", Date.valueOf(day))
                        .addValue("reserved_usd", releasedUsd)
                        .addValue("spent_usd", spentUsd)
                        .addValue("pages", pages)
                        .addValue("tokens", tokens)
                        .addValue("requests", requests));
        BigDecimal committed = (BigDecimal) after.get("committed_usd");
        raiseCrossedAlerts(
                service,
                day,
                committed.subtract(spentUsd.subtract(releasedUsd)),
                committed,
                (BigDecimal) after.get("budget_usd"),
                job);
    }

    private void raiseCrossedAlerts(
            String service, LocalDate day, BigDecimal before, BigDecimal after, BigDecimal budgetUsd, UUID job) {
        if (budgetUsd == null || budgetUsd.signum() == 0 || after.compareTo(before) <= 0) {
            return;
        }
        for (int threshold : ALERT_THRESHOLDS_PERCENT) {
            BigDecimal line = budgetUsd
                    .multiply(BigDecimal.valueOf(threshold))
                    .divide(BigDecimal.valueOf(100), 10, RoundingMode.HALF_UP);
            if (before.compareTo(line) < 0 && after.compareTo(line) >= 0) {
                alert(service, day, threshold, after, budgetUsd, job);
            }
        }
    }

    /** Raises an alert unless another worker or instance already has: a log line, a meter, an event and an outbox row. */
    private void alert(
            String service, LocalDate day, int threshold, BigDecimal committed, BigDecimal budgetUsd, UUID job) {
        if (budgetUsd == null) {
            return;
        }
        boolean raised = !jdbc.queryForList(
                        SqlStatements.load("cost/raise-alert.sql"),
                        new MapSqlParameterSource()
                                .addValue("service", service)
                                .addValue("day", Date.valueOf(day))
                                .addValue("threshold_percent", threshold)
                                .addValue("committed_usd", committed == null ? BigDecimal.ZERO : committed)
                                .addValue("budget_usd", budgetUsd)
                                .addValue("raised_by", actor),
                        Long.class)
                .isEmpty();
        if (!raised) {
            return;
        }
        String message = service + " daily budget " + (threshold >= 100 ? "exhausted" : threshold + "% used") + ": $"
                + plain(committed) + " of $" + plain(budgetUsd) + " on " + day;
        LOG.warn("budget alert: {}", message);
        meters.budgetAlert(service, threshold);
        if (job != null) {
            jobs.note(job, "budget alert: " + message);
        }
    }

    static String plain(BigDecimal usd) {
        return usd == null ? "0" : usd.stripTrailingZeros().toPlainString();
    }
}
