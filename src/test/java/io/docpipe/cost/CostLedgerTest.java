package io.docpipe.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.docpipe.db.Database;
import io.docpipe.job.JobStateMachine;
import io.docpipe.observe.Meters;
import io.docpipe.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The ledger's reservations against a real PostgreSQL, from many threads at once: the cap is never passed. */
class CostLedgerTest {

    private static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");

    private HikariDataSource dataSource;
    private JdbcTemplate sql;
    private CostLedger ledger;
    private CostLedger otherInstance;
    private CostLedger dying;

    @BeforeEach
    void database() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestPostgres.newDatabase());
        config.setMaximumPoolSize(16);
        dataSource = new HikariDataSource(config);
        Database.migrate(dataSource);
        sql = new JdbcTemplate(dataSource);
        NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        Clock clock = Clock.fixed(NOON, ZoneOffset.UTC);
        Meters meters = new Meters(new DefaultCamelContext());
        ledger = new CostLedger(
                jdbc,
                tx,
                clock,
                "instance-a",
                new JobStateMachine(jdbc, "instance-a", to -> {}),
                meters,
                Duration.ofMinutes(10));
        otherInstance = new CostLedger(
                jdbc,
                tx,
                clock,
                "instance-b",
                new JobStateMachine(jdbc, "instance-b", to -> {}),
                meters,
                Duration.ofMinutes(10));
        // a process that dies between reserving and settling: its reservations expire at once
        dying = new CostLedger(
                jdbc,
                tx,
                clock,
                "instance-c",
                new JobStateMachine(jdbc, "instance-c", to -> {}),
                meters,
                Duration.ZERO);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void should_never_reserve_past_the_daily_budget_from_sixteen_threads() throws Exception {
        Budget budget = Budget.of("openai", "1.00", 0);
        List<Reservation> granted = reserveConcurrently(budget, new BigDecimal("0.03"), 400);

        // 33 reservations of $0.03 fit in $1.00; the 34th would make $1.02
        assertThat(granted).hasSize(33);
        assertThat(sql.queryForObject("SELECT reserved_usd FROM cost_ledger", BigDecimal.class))
                .isEqualByComparingTo("0.99");
        // a request is counted when it is sent, not when it is reserved
        assertThat(sql.queryForObject("SELECT requests FROM cost_ledger", Long.class))
                .isZero();
        assertThat(sql.queryForList("SELECT threshold_percent FROM budget_alerts ORDER BY 1", Integer.class))
                .containsExactly(50, 80, 100);

        granted.forEach(reservation -> ledger.settle(reservation, new BigDecimal("0.02"), 0, 1000, null, true));
        assertThat(sql.queryForMap("SELECT reserved_usd, spent_usd, tokens, requests FROM cost_ledger"))
                .satisfies(row -> {
                    assertThat((BigDecimal) row.get("reserved_usd")).isEqualByComparingTo("0");
                    assertThat((BigDecimal) row.get("spent_usd")).isEqualByComparingTo("0.66");
                    assertThat(row.get("tokens")).isEqualTo(33_000L);
                    assertThat(row.get("requests")).isEqualTo(33L);
                });
    }

    @Test
    void should_never_pass_the_hourly_request_cap_and_count_only_calls_made() throws Exception {
        Budget budget = Budget.of("llamaparse", "", 25);
        List<Reservation> granted = reserveConcurrently(budget, new BigDecimal("0.01"), 200);

        assertThat(granted).hasSize(25);
        assertThat(sql.queryForObject("SELECT requests FROM cost_ledger_hours", Long.class))
                .isEqualTo(25);

        // five of them are never sent (a rate limit, an open circuit): they give their place in the hour back
        for (int i = 0; i < granted.size(); i++) {
            ledger.settle(granted.get(i), BigDecimal.ZERO, 0, 0, null, i >= 5);
        }
        assertThat(sql.queryForObject("SELECT requests FROM cost_ledger_hours", Long.class))
                .isEqualTo(20);
        assertThat(sql.queryForObject("SELECT requests FROM cost_ledger", Long.class))
                .isEqualTo(20);
        assertThat(reserveConcurrently(budget, new BigDecimal("0.01"), 50)).hasSize(5);
    }

    @Test
    void should_refuse_with_the_window_that_opens_next() {
        Budget daily = Budget.of("openai", "0.05", 0);
        assertThat(ledger.reserve(daily, new BigDecimal("0.05"), null).reservation())
                .isNotNull();
        BudgetRefusal dayRefusal =
                ledger.reserve(daily, new BigDecimal("0.000001"), null).refusal();
        assertThat(dayRefusal.limit()).isEqualTo("daily_budget");
        assertThat(dayRefusal.windowOpensAt()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(dayRefusal.reason()).isEqualTo("openai daily budget of $0.05 cannot take $0.000001 more");

        Budget hourly = Budget.of("llamaparse", "", 1);
        assertThat(ledger.reserve(hourly, BigDecimal.ONE, null).reservation()).isNotNull();
        BudgetRefusal hourRefusal = ledger.reserve(hourly, BigDecimal.ONE, null).refusal();
        assertThat(hourRefusal.limit()).isEqualTo("hourly_requests");
        assertThat(hourRefusal.windowOpensAt()).isEqualTo(Instant.parse("2026-11-24T13:00:00Z"));
    }

    @Test
    void should_release_a_reservation_whose_call_was_not_billed() {
        Budget budget = Budget.of("openai", "0.10", 0);
        Reservation reservation =
                ledger.reserve(budget, new BigDecimal("0.10"), null).reservation();
        assertThat(ledger.reserve(budget, new BigDecimal("0.01"), null).reservation())
                .isNull();

        ledger.settle(reservation, BigDecimal.ZERO, 0, 0, null, false);
        assertThat(ledger.reserve(budget, new BigDecimal("0.01"), null).reservation())
                .isNotNull();
    }

    @Test
    void should_give_back_a_reservation_its_process_never_settled_and_book_a_late_settlement_once() {
        Budget budget = Budget.of("llamaparse", "0.10", 10);
        Reservation abandoned =
                dying.reserve(budget, new BigDecimal("0.10"), null).reservation();
        assertThat(ledger.reserve(budget, new BigDecimal("0.01"), null).reservation())
                .isNull();

        assertThat(ledger.releaseAbandonedReservations(false, 100)).isEqualTo(1);
        assertThat(sql.queryForMap("SELECT reserved_usd, requests FROM cost_ledger WHERE service = 'llamaparse'"))
                .satisfies(
                        row -> assertThat((BigDecimal) row.get("reserved_usd")).isEqualByComparingTo("0"));
        assertThat(sql.queryForObject("SELECT requests FROM cost_ledger_hours", Long.class))
                .isZero();
        Reservation next = ledger.reserve(budget, new BigDecimal("0.04"), null).reservation();
        assertThat(next).isNotNull();

        // the abandoned call had gone out after all: its settlement books the spend, not a second release
        dying.settle(abandoned, new BigDecimal("0.05"), 1, 0, null, true);
        assertThat(sql.queryForMap(
                        "SELECT reserved_usd, spent_usd, requests FROM cost_ledger WHERE service = 'llamaparse'"))
                .satisfies(row -> {
                    assertThat((BigDecimal) row.get("reserved_usd")).isEqualByComparingTo("0.04");
                    assertThat((BigDecimal) row.get("spent_usd")).isEqualByComparingTo("0.05");
                    assertThat(row.get("requests")).isEqualTo(1L);
                });
        assertThat(ledger.releaseAbandonedReservations(false, 100)).isZero();
    }

    @Test
    void should_refuse_for_good_a_call_that_costs_more_than_the_whole_daily_budget() {
        BudgetRefusal refusal = ledger.reserve(Budget.of("llamaparse", "0.50", 0), new BigDecimal("0.75"), null)
                .refusal();

        assertThat(refusal.neverFits()).isTrue();
        assertThat(refusal.limit()).isEqualTo("over_daily_budget");
        assertThat(refusal.reason()).contains("$0.75").contains("$0.5");
        assertThat(sql.queryForObject("SELECT count(*) FROM cost_reservations", Integer.class))
                .isZero();
    }

    /** Half the threads reserve through one instance's ledger, half through another's, all released at once. */
    private List<Reservation> reserveConcurrently(Budget budget, BigDecimal usd, int attempts) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Reservation>> results = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            CostLedger instance = i % 2 == 0 ? ledger : otherInstance;
            Callable<Reservation> reserve = () -> {
                start.await();
                return instance.reserve(budget, usd, null).reservation();
            };
            results.add(threads.submit(reserve));
        }
        start.countDown();
        List<Reservation> granted = new ArrayList<>();
        for (Future<Reservation> result : results) {
            Reservation reservation = result.get();
            if (reservation != null) {
                granted.add(reservation);
            }
        }
        threads.shutdown();
        return granted;
    }
}
