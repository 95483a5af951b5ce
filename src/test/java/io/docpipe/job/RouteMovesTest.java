package io.docpipe.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.db.Database;
import io.docpipe.testsupport.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The moves the routes make as SQL steps ({@code sql/jobs/fail.sql}, {@code advance.sql}, {@code wait.sql},
 * {@code reschedule.sql}), run as the routes run them (camel-sql, the variables job, from, to, detail, until) against a real PostgreSQL: a move the job is
 * in for is made with its event row; one the database refuses (the job is not in from, the worker lost its lease, the
 * move is not a row of job_transitions) changes nothing and writes no event. And the route files themselves: every
 * move step is set up right before it with exactly the variables its statement reads, and every move they spell out
 * is a row of job_transitions.
 */
class RouteMovesTest {

    private static final Pattern MOVE_STEP = Pattern.compile("^\\s*- to: sql:classpath:sql/jobs/(\\w+)\\.sql\\s*$");
    private static final Pattern VARIABLE_ENTRY =
            Pattern.compile("^\\s*- \\{ name: (\\w+), (constant|simple): \"?(.*?)\"? }\\s*$");
    private static final Pattern STATEMENT_VARIABLE = Pattern.compile(":#\\$\\{variable\\.(\\w+)");

    private static JdbcTemplate sql;
    private static CamelContext camel;
    private static ProducerTemplate template;
    private static final List<JobStatus> counted = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        DataSource dataSource = TestPostgres.dataSource(TestPostgres.newDatabase());
        Database.migrate(dataSource);
        sql = new JdbcTemplate(dataSource);
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("dataSource", dataSource);
        camel.getPropertiesComponent().addInitialProperty("docpipe.instance-id", "route-instance");
        camel.getManagementStrategy().addEventNotifier(new RouteMoves(counted::add));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (String kind : List.of("fail", "advance", "wait", "reschedule", "add-event")) {
                    from("direct:" + kind).to("sql:classpath:sql/jobs/" + kind + ".sql");
                }
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterAll
    static void stop() {
        camel.stop();
    }

    @Test
    void should_fail_a_held_job_for_good_with_its_event_and_correlation_id() {
        ClaimedJob job = heldJob(JobStatus.CHUNKING, 7L);

        Exchange done = move("fail", job, "chunking", "failed_chunking", "no text", null);

        assertThat(done.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT)).isEqualTo(1);
        assertThat(sql.queryForMap(
                        "SELECT status, attempts, last_error, lease_token, lease_owner, not_before FROM jobs WHERE id = ?",
                        job.id()))
                .containsEntry("status", "failed_chunking")
                .containsEntry("attempts", 1)
                .containsEntry("last_error", "no text")
                .containsEntry("lease_token", null)
                .containsEntry("lease_owner", null)
                .containsEntry("not_before", null);
        assertThat(sql.queryForMap(
                        "SELECT from_status, to_status, detail, actor, correlation_id FROM job_events WHERE job_id = ?",
                        job.id()))
                .containsEntry("from_status", "chunking")
                .containsEntry("to_status", "failed_chunking")
                .containsEntry("detail", "no text")
                .containsEntry("actor", "route-instance")
                .containsEntry("correlation_id", job.correlationId());
        assertThat(counted).contains(JobStatus.FAILED_CHUNKING);
    }

    @Test
    void should_change_nothing_and_write_no_event_when_the_job_is_not_in_from() {
        ClaimedJob job = heldJob(JobStatus.PARSED, 7L);

        Exchange done = move("fail", job, "chunking", "failed_chunking", "no text", null);

        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT)).isEqualTo(0);
        assertUnchanged(job, "parsed");
    }

    @Test
    void should_change_nothing_and_write_no_event_when_the_worker_lost_the_lease() {
        ClaimedJob taken = heldJob(JobStatus.CHUNKING, 8L);
        ClaimedJob stale = new ClaimedJob(taken.id(), taken.documentId(), taken.correlationId(), taken.status(), 7L);

        Exchange done = move("fail", stale, "chunking", "failed_chunking", "no text", null);

        assertThat(done.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT)).isEqualTo(0);
        assertUnchanged(taken, "chunking");
        assertThat(sql.queryForObject("SELECT lease_token FROM jobs WHERE id = ?", Long.class, taken.id()))
                .isEqualTo(8L);
    }

    @Test
    void should_change_nothing_and_write_no_event_for_a_move_job_transitions_does_not_allow() {
        ClaimedJob job = heldJob(JobStatus.CHUNKING, 7L);

        Exchange done = move("advance", job, "chunking", "complete", "skipping ahead", null);

        assertThat(done.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT)).isEqualTo(0);
        assertUnchanged(job, "chunking");
    }

    @Test
    void should_keep_the_lease_on_an_advance_and_release_it_on_a_wait() {
        ClaimedJob job = heldJob(JobStatus.UPLOADED, 7L);

        move("advance", job, "uploaded", "parse_queued", "parsing locally (mock)", null);
        assertThat(sql.queryForObject("SELECT lease_token FROM jobs WHERE id = ?", Long.class, job.id()))
                .isEqualTo(7L);

        OffsetDateTime until = OffsetDateTime.of(2030, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
        move("wait", job, "parse_queued", "parse_queued", "rate limited; waiting", until);
        assertThat(sql.queryForMap("SELECT status, attempts, lease_token, not_before FROM jobs WHERE id = ?", job.id()))
                .containsEntry("status", "parse_queued")
                .containsEntry("attempts", 0)
                .containsEntry("lease_token", null)
                .containsEntry("not_before", Timestamp.from(until.toInstant()));
        assertThat(sql.queryForList(
                        "SELECT from_status || ' -> ' || to_status FROM job_events WHERE job_id = ? ORDER BY id",
                        String.class,
                        job.id()))
                .containsExactly("uploaded -> parse_queued", "parse_queued -> parse_queued");
    }

    @Test
    void should_park_a_rescheduled_job_until_it_is_released_and_note_an_event_without_a_move() {
        ClaimedJob job = heldJob(JobStatus.EMBEDDING_IN_PROGRESS, 7L);
        OffsetDateTime window = OffsetDateTime.of(2030, 1, 2, 0, 0, 0, 0, ZoneOffset.UTC);

        move("reschedule", job, "embedding_in_progress", "embedding_queued", "over budget", window);
        move("add-event", job, null, null, "the mock stands in", null);

        assertThat(sql.queryForMap(
                        "SELECT status, rescheduled_until, not_before = 'infinity' AS parked, lease_token FROM jobs"
                                + " WHERE id = ?",
                        job.id()))
                .containsEntry("status", "embedding_queued")
                .containsEntry("rescheduled_until", Timestamp.from(window.toInstant()))
                .containsEntry("parked", true)
                .containsEntry("lease_token", null);

        new JobStateMachine(new NamedParameterJdbcTemplate(sql), "sweep", status -> {})
                .release(
                        new ClaimedJob(job.id(), job.documentId(), job.correlationId(), JobStatus.EMBEDDING_QUEUED),
                        JobStatus.EMBEDDING_QUEUED,
                        "window opened");
        assertThat(sql.queryForMap("SELECT status, rescheduled_until, not_before FROM jobs WHERE id = ?", job.id()))
                .containsEntry("status", "embedding_queued")
                .containsEntry("rescheduled_until", null)
                .containsEntry("not_before", null);
        assertThat(sql.queryForList(
                        "SELECT from_status || ' -> ' || to_status || ': ' || detail FROM job_events WHERE job_id = ?"
                                + " ORDER BY id",
                        String.class,
                        job.id()))
                .containsExactly(
                        "embedding_in_progress -> embedding_queued: over budget",
                        "embedding_queued -> embedding_queued: the mock stands in",
                        "embedding_queued -> embedding_queued: window opened");
    }

    static Stream<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    /** A move step is set up by the setVariables right before it, with every variable its statement reads. */
    @ParameterizedTest
    @MethodSource("routeFiles")
    void should_set_every_variable_of_a_move_right_before_it_in(Path file) throws IOException {
        for (MoveStep step : moveSteps(file)) {
            Set<String> set = new TreeSet<>(step.variables().keySet());
            set.remove(JobVariables.JOB); // a split over several jobs sets it there too
            assertThat(set).as("%s line %d", file, step.line()).isEqualTo(statementVariables(step.kind()));
        }
    }

    /** A move the routes spell out is one job_transitions allows: a typo is a failed build, not a silent no-op. */
    @ParameterizedTest
    @MethodSource("routeFiles")
    void should_only_spell_out_moves_job_transitions_allows_in(Path file) throws IOException {
        for (MoveStep step : moveSteps(file)) {
            String from = step.constant(JobVariables.FROM);
            String to = step.constant(JobVariables.TO);
            if (from == null && to == null) {
                assertThat(step.variables().get(JobVariables.FROM))
                        .as("%s line %d: a job that waits where it is", file, step.line())
                        .isEqualTo(step.variables().get(JobVariables.TO));
                continue;
            }
            assertThat(to).as("%s line %d: to", file, step.line()).isNotNull();
            String allowed = from == null
                    ? "SELECT count(*) FROM job_transitions WHERE to_status = ?"
                    : "SELECT count(*) FROM job_transitions WHERE to_status = ? AND from_status = ?";
            Object[] arguments = from == null ? new Object[] {to} : new Object[] {to, from};
            assertThat(sql.queryForObject(allowed, Integer.class, arguments))
                    .as("%s line %d: %s -> %s", file, step.line(), from, to)
                    .isPositive();
        }
    }

    @Test
    void should_find_the_move_steps_of_the_routes() throws IOException {
        int steps = 0;
        for (Path file : routeFiles().toList()) {
            steps += moveSteps(file).size();
        }
        assertThat(steps).isGreaterThanOrEqualTo(8);
    }

    private record MoveStep(String kind, int line, Map<String, String[]> variables) {

        /** The variable's value when the route sets it to a constant, else null. */
        String constant(String name) {
            String[] value = variables.get(name);
            return value != null && value[0].equals("constant") ? value[1] : null;
        }
    }

    private static List<MoveStep> moveSteps(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<MoveStep> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher step = MOVE_STEP.matcher(lines.get(i));
            if (!step.matches()) {
                continue;
            }
            Map<String, String[]> variables = new LinkedHashMap<>();
            int at = i - 1;
            for (; at >= 0 && !lines.get(at).strip().equals("- setVariables:"); at--) {
                Matcher entry = VARIABLE_ENTRY.matcher(lines.get(at));
                if (entry.matches()) {
                    variables.put(entry.group(1), new String[] {entry.group(2), entry.group(3)});
                } else {
                    assertThat(lines.get(at).strip())
                            .as("%s line %d: the move's setVariables comes right before it", file, i + 1)
                            .isEqualTo("variables:");
                }
            }
            assertThat(at)
                    .as("%s line %d: a setVariables before the move", file, i + 1)
                    .isNotNegative();
            steps.add(new MoveStep(step.group(1), i + 1, variables));
        }
        return steps;
    }

    private static Set<String> statementVariables(String kind) throws IOException {
        String statement = Files.readString(Path.of("src/main/resources/sql/jobs/" + kind + ".sql"));
        Set<String> names = new TreeSet<>();
        Matcher variable = STATEMENT_VARIABLE.matcher(statement);
        while (variable.find()) {
            names.add(variable.group(1));
        }
        names.remove(JobVariables.JOB);
        return names;
    }

    private static Exchange move(
            String kind, ClaimedJob job, String from, String to, String detail, OffsetDateTime until) {
        Map<String, Object> variables = new HashMap<>();
        variables.put(JobVariables.JOB, job);
        variables.put(JobVariables.FROM, from);
        variables.put(JobVariables.TO, to);
        variables.put(JobVariables.DETAIL, detail);
        variables.put(JobVariables.UNTIL, until);
        return template.send("direct:" + kind, exchange -> variables.forEach(exchange::setVariable));
    }

    private static void assertUnchanged(ClaimedJob job, String status) {
        assertThat(sql.queryForMap("SELECT status, attempts, last_error FROM jobs WHERE id = ?", job.id()))
                .containsEntry("status", status)
                .containsEntry("attempts", 0)
                .containsEntry("last_error", null);
        assertThat(sql.queryForObject("SELECT count(*) FROM job_events WHERE job_id = ?", Integer.class, job.id()))
                .isZero();
    }

    /** A job in {@code status}, held by a worker under lease {@code leaseToken}. */
    private static ClaimedJob heldJob(JobStatus status, long leaseToken) {
        UUID document = UUID.randomUUID();
        sql.update(
                "INSERT INTO documents (id, sha256, filename, media_type, size_bytes, storage_path)"
                        + " VALUES (?, ?, 'a.txt', 'text/plain', 1, 'x')",
                document,
                String.format("%064x", document.getMostSignificantBits() & Long.MAX_VALUE));
        UUID job = UUID.randomUUID();
        sql.update(
                "INSERT INTO jobs (id, document_id, correlation_id, status, lease_owner, lease_token, lease_expires_at)"
                        + " VALUES (?, ?, ?, ?, 'worker', ?, now() + interval '30 seconds')",
                job,
                document,
                "corr-" + job,
                status.wireName(),
                leaseToken);
        return new ClaimedJob(job, document, "corr-" + job, status, leaseToken);
    }
}
