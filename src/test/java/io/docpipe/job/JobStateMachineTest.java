package io.docpipe.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.docpipe.db.Database;
import io.docpipe.db.SqlStatements;
import io.docpipe.testsupport.TestPostgres;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The contract's state machine against a real PostgreSQL: the table of allowed moves written out here equals the
 * database's; the transition statements accept every move in it and refuse every other; repeats and races.
 */
class JobStateMachineTest {

    private static JdbcTemplate sql;
    private static NamedParameterJdbcTemplate named;
    private static JobStateMachine machine;

    @BeforeAll
    static void database() {
        DataSource dataSource = TestPostgres.dataSource(TestPostgres.newDatabase());
        Database.migrate(dataSource);
        sql = new JdbcTemplate(dataSource);
        named = new NamedParameterJdbcTemplate(dataSource);
        machine = new JobStateMachine(named, "test-instance", to -> {});
    }

    /**
     * The state machine of the contract (../shared/CONTRACT.md, "Job states"), written out rather than derived: every
     * allowed move, then the states a job may wait in (postponed, rescheduled or released where it is, or taken over by
     * another worker's claim). Nothing else is allowed.
     */
    private static final String CONTRACT = """
            uploaded              -> parse_queued
            uploaded              -> failed_parse
            parse_queued          -> parsed
            parse_queued          -> failed_parse
            parsed                -> chunking
            parsed                -> failed_chunking
            chunking              -> chunks_stored
            chunking              -> failed_chunking
            chunks_stored         -> embedding_queued
            embedding_queued      -> embedding_in_progress
            embedding_queued      -> failed_embedding
            embedding_in_progress -> embeddings_stored
            embedding_in_progress -> embedding_queued
            embedding_in_progress -> failed_embedding
            embeddings_stored     -> complete
            failed_parse          -> uploaded
            failed_parse          -> parse_queued
            failed_chunking       -> parsed
            failed_embedding      -> embedding_queued
            uploaded              -> cancelled
            parse_queued          -> cancelled
            parsed                -> cancelled
            chunking              -> cancelled
            chunks_stored         -> cancelled
            embedding_queued      -> cancelled
            embedding_in_progress -> cancelled
            embeddings_stored     -> cancelled
            failed_parse          -> cancelled
            failed_chunking       -> cancelled
            failed_embedding      -> cancelled
            uploaded              -> uploaded
            parse_queued          -> parse_queued
            parsed                -> parsed
            chunking              -> chunking
            chunks_stored         -> chunks_stored
            embedding_queued      -> embedding_queued
            embedding_in_progress -> embedding_in_progress
            embeddings_stored     -> embeddings_stored
            """;

    private static final Set<String> MOVES =
            CONTRACT.lines().map(line -> line.strip().replaceAll("\\s+", " ")).collect(Collectors.toUnmodifiableSet());

    private static boolean inContract(JobStatus from, JobStatus to) {
        return MOVES.contains(from.wireName() + " -> " + to.wireName());
    }

    private record Move(JobStatus from, JobStatus to) {

        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    /** Every pair of states, allowed or not. */
    private static Stream<Move> allPairs() {
        return Arrays.stream(JobStatus.values())
                .flatMap(from -> Arrays.stream(JobStatus.values()).map(to -> new Move(from, to)));
    }

    static Stream<Arguments> allowedTransitions() {
        return allPairs()
                .filter(move -> inContract(move.from(), move.to()))
                .map(move -> Arguments.of(move.from(), move.to()));
    }

    @Test
    void should_keep_exactly_the_transitions_of_the_contract_in_the_database() {
        assertThat(MOVES).hasSize(38);
        assertThat(sql.queryForList("SELECT from_status || ' -> ' || to_status FROM job_transitions", String.class))
                .containsExactlyInAnyOrderElementsOf(MOVES);
    }

    /** The statements themselves refuse a move the table does not have (0 rows, no event) and accept every other. */
    @Test
    void should_let_the_transition_statements_refuse_every_move_not_in_the_table() {
        List<Move> moves = allPairs().toList();
        List<UUID> single = jobsIn(moves.stream().map(Move::from).toList());
        List<UUID> batched = jobsIn(moves.stream().map(Move::from).toList());

        int[] rows = named.batchUpdate(
                SqlStatements.load("jobs/transition.sql"),
                IntStream.range(0, moves.size())
                        .mapToObj(i -> transitionParameters(single.get(i), moves.get(i)))
                        .toArray(MapSqlParameterSource[]::new));
        List<Integer> moved = IntStream.range(0, moves.size())
                .mapToObj(i -> named.queryForList(
                                SqlStatements.load("jobs/transition-all.sql"),
                                new MapSqlParameterSource()
                                        .addValue("job_ids", new UUID[] {batched.get(i)})
                                        .addValue("lease_tokens", new Long[] {null})
                                        .addValue(
                                                "from_status",
                                                moves.get(i).from().wireName())
                                        .addValue("to_status", moves.get(i).to().wireName())
                                        .addValue("release_lease", true)
                                        .addValue("detail", "test")
                                        .addValue("actor", "test-instance"),
                                UUID.class)
                        .size())
                .toList();

        Map<UUID, String> after = statusAndEvents(single, batched);
        for (int i = 0; i < moves.size(); i++) {
            Move move = moves.get(i);
            boolean allowed = inContract(move.from(), move.to());
            String expected = (allowed ? move.to() : move.from()).wireName() + ", events " + (allowed ? 1 : 0);
            assertThat(rows[i]).as("transition.sql " + move).isEqualTo(allowed ? 1 : 0);
            assertThat(after.get(single.get(i))).as("transition.sql " + move).isEqualTo(expected);
            assertThat(moved.get(i)).as("transition-all.sql " + move).isEqualTo(allowed ? 1 : 0);
            assertThat(after.get(batched.get(i)))
                    .as("transition-all.sql " + move)
                    .isEqualTo(expected);
        }
    }

    @Test
    void should_answer_from_the_database_which_moves_are_allowed() {
        assertThat(machine.allows(JobStatus.UPLOADED, JobStatus.PARSE_QUEUED)).isTrue();
        assertThat(machine.allows(JobStatus.EMBEDDING_QUEUED, JobStatus.EMBEDDING_QUEUED))
                .isTrue();
        assertThat(machine.allows(JobStatus.FAILED_PARSE, JobStatus.FAILED_PARSE))
                .isFalse();
        assertThat(machine.allows(JobStatus.COMPLETE, JobStatus.CANCELLED)).isFalse();
    }

    @Test
    void should_create_a_job_in_uploaded_with_its_first_event() {
        UUID document = documentRow();
        UUID job = UUID.randomUUID();

        machine.create(job, document, "corr-" + job, "uploaded a.txt");

        assertThat(statusOf(job)).isEqualTo("uploaded");
        assertThat(sql.queryForMap(
                        "SELECT from_status, to_status, detail, actor FROM job_events WHERE job_id = ?", job))
                .containsEntry("from_status", null)
                .containsEntry("to_status", "uploaded")
                .containsEntry("detail", "uploaded a.txt")
                .containsEntry("actor", "test-instance");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("allowedTransitions")
    void should_apply_every_allowed_transition_with_its_event(JobStatus from, JobStatus to) {
        UUID job = jobIn(from);

        Transition transition = machine.advance(unclaimed(job), from, to, "test");

        assertThat(transition.applied()).isTrue();
        assertThat(statusOf(job)).isEqualTo(to.wireName());
        Map<String, Object> event = sql.queryForMap(
                "SELECT from_status, to_status, detail, actor, correlation_id FROM job_events WHERE job_id = ? ORDER BY id DESC LIMIT 1",
                job);
        assertThat(event)
                .containsEntry("from_status", from.wireName())
                .containsEntry("to_status", to.wireName())
                .containsEntry("detail", "test")
                .containsEntry("actor", "test-instance")
                .containsEntry("correlation_id", "corr-" + job);
    }

    @Test
    void should_refuse_every_forbidden_transition_and_change_nothing() {
        List<Move> forbidden =
                allPairs().filter(move -> !inContract(move.from(), move.to())).toList();
        List<UUID> jobs = jobsIn(forbidden.stream().map(Move::from).toList());

        for (int i = 0; i < forbidden.size(); i++) {
            Move move = forbidden.get(i);
            UUID job = jobs.get(i);
            assertThatThrownBy(() -> machine.advance(unclaimed(job), move.from(), move.to(), "test"))
                    .as(move.toString())
                    .isInstanceOf(IllegalTransitionException.class)
                    .hasMessageContaining(move.from().wireName())
                    .hasMessageContaining(move.to().wireName());
        }

        Map<UUID, String> after = statusAndEvents(jobs, List.of());
        for (int i = 0; i < forbidden.size(); i++) {
            assertThat(after.get(jobs.get(i)))
                    .as(forbidden.get(i).toString())
                    .isEqualTo(forbidden.get(i).from().wireName() + ", events 0");
        }
    }

    @Test
    void should_apply_a_workers_move_only_while_it_holds_its_claim() {
        UUID job = jobIn(JobStatus.PARSED);
        sql.update(
                "UPDATE jobs SET lease_owner = 'w1', lease_token = 7, lease_expires_at = now() + interval '1 minute' "
                        + "WHERE id = ?",
                job);
        ClaimedJob stale = new ClaimedJob(job, null, "corr-" + job, JobStatus.PARSED, 6L);
        ClaimedJob holder = new ClaimedJob(job, null, "corr-" + job, JobStatus.PARSED, 7L);

        assertThat(machine.advance(stale, JobStatus.PARSED, JobStatus.CHUNKING, null)
                        .applied())
                .isFalse();
        assertThat(machine.advance(holder, JobStatus.PARSED, JobStatus.CHUNKING, null)
                        .applied())
                .isTrue();
        machine.advance(holder, JobStatus.CHUNKING, JobStatus.CHUNKS_STORED, null);
        assertThat(machine.handOff(holder, JobStatus.CHUNKS_STORED, JobStatus.EMBEDDING_QUEUED, null)
                        .applied())
                .isTrue();
        // released: the token is gone with the lease, so the old claim moves nothing any more
        assertThat(sql.queryForMap("SELECT lease_owner, lease_token FROM jobs WHERE id = ?", job))
                .containsEntry("lease_owner", null)
                .containsEntry("lease_token", null);
        assertThat(machine.postpone(holder, JobStatus.EMBEDDING_QUEUED, Instant.now(), "late", false)
                        .applied())
                .isFalse();
    }

    @Test
    void should_send_a_failed_parse_whose_llamaparse_job_is_known_back_to_reading_its_result() {
        UUID job = jobIn(JobStatus.PARSE_QUEUED);
        machine.fail(unclaimed(job), JobStatus.PARSE_QUEUED, JobStatus.FAILED_PARSE, "result unreadable", null);

        assertThat(machine.retry(unclaimed(job), JobStatus.FAILED_PARSE, "manual retry", true, true)
                        .applied())
                .isTrue();

        assertThat(sql.queryForMap("SELECT status, parse_ready_at IS NOT NULL AS ready FROM jobs WHERE id = ?", job))
                .containsEntry("status", "parse_queued")
                .containsEntry("ready", true);
    }

    @Test
    void should_not_apply_a_repeated_transition() {
        UUID job = jobIn(JobStatus.UPLOADED);

        Transition first = machine.advance(unclaimed(job), JobStatus.UPLOADED, JobStatus.PARSE_QUEUED, null);
        Transition repeat = machine.advance(unclaimed(job), JobStatus.UPLOADED, JobStatus.PARSE_QUEUED, null);

        assertThat(first.applied()).isTrue();
        assertThat(repeat.applied()).isFalse();
        assertThat(repeat.toString()).contains("not applied");
        assertThat(eventCount(job)).isEqualTo(1);
    }

    @Test
    void should_not_apply_a_transition_from_a_state_the_job_has_left() {
        UUID job = jobIn(JobStatus.CHUNKING);

        Transition stale = machine.advance(unclaimed(job), JobStatus.PARSED, JobStatus.CHUNKING, null);

        assertThat(stale.applied()).isFalse();
        assertThat(statusOf(job)).isEqualTo("chunking");
        assertThat(eventCount(job)).isZero();
    }

    @Test
    void should_count_failures_keep_the_error_and_release_the_lease() {
        UUID job = jobIn(JobStatus.PARSE_QUEUED);
        sql.update(
                "UPDATE jobs SET lease_owner = 'w1', lease_expires_at = now() + interval '5 minutes' WHERE id = ?",
                job);

        machine.fail(unclaimed(job), JobStatus.PARSE_QUEUED, JobStatus.FAILED_PARSE, "no text", null);

        Map<String, Object> row =
                sql.queryForMap("SELECT attempts, last_error, lease_owner FROM jobs WHERE id = ?", job);
        assertThat(row)
                .containsEntry("attempts", 1)
                .containsEntry("last_error", "no text")
                .containsEntry("lease_owner", null);
    }

    @Test
    void should_keep_the_lease_on_advance_and_release_it_on_hand_off() {
        UUID job = jobIn(JobStatus.PARSED);
        sql.update(
                "UPDATE jobs SET lease_owner = 'w1', lease_expires_at = now() + interval '5 minutes' WHERE id = ?",
                job);

        machine.advance(unclaimed(job), JobStatus.PARSED, JobStatus.CHUNKING, null);
        assertThat(sql.queryForObject("SELECT lease_owner FROM jobs WHERE id = ?", String.class, job))
                .isEqualTo("w1");

        machine.advance(unclaimed(job), JobStatus.CHUNKING, JobStatus.CHUNKS_STORED, null);
        machine.handOff(unclaimed(job), JobStatus.CHUNKS_STORED, JobStatus.EMBEDDING_QUEUED, null);
        assertThat(sql.queryForObject("SELECT lease_owner FROM jobs WHERE id = ?", String.class, job))
                .isNull();
    }

    @Test
    void should_keep_the_next_attempt_of_a_failed_job_and_count_on_after_an_automatic_retry() {
        UUID job = jobIn(JobStatus.EMBEDDING_IN_PROGRESS);
        Instant next = Instant.parse("2030-01-01T00:00:00Z");

        machine.fail(unclaimed(job), JobStatus.EMBEDDING_IN_PROGRESS, JobStatus.FAILED_EMBEDDING, "503", next);
        assertThat(sql.queryForObject("SELECT not_before FROM jobs WHERE id = ?", Timestamp.class, job)
                        .toInstant())
                .isEqualTo(next);

        assertThat(machine.retry(unclaimed(job), JobStatus.FAILED_EMBEDDING, "automatic retry", false, false)
                        .applied())
                .isTrue();
        assertThat(sql.queryForMap("SELECT status, attempts, not_before FROM jobs WHERE id = ?", job))
                .containsEntry("status", "embedding_queued")
                .containsEntry("attempts", 1)
                .containsEntry("not_before", null);
        assertThat(machine.retry(unclaimed(job), JobStatus.FAILED_EMBEDDING, "automatic retry", false, false)
                        .applied())
                .isFalse();
    }

    @Test
    void should_start_a_fresh_count_of_attempts_on_a_manual_retry() {
        UUID job = jobIn(JobStatus.UPLOADED);
        machine.fail(unclaimed(job), JobStatus.UPLOADED, JobStatus.FAILED_PARSE, "gave up", null);

        machine.retry(unclaimed(job), JobStatus.FAILED_PARSE, "manual retry", true, false);

        assertThat(sql.queryForMap("SELECT status, attempts FROM jobs WHERE id = ?", job))
                .containsEntry("status", "uploaded")
                .containsEntry("attempts", 0);
    }

    @Test
    void should_free_only_an_expired_lease_of_the_named_worker() {
        UUID job = jobIn(JobStatus.CHUNKING);
        sql.update(
                "UPDATE jobs SET lease_owner = 'w1', lease_expires_at = now() + interval '5 minutes' WHERE id = ?",
                job);
        assertThat(machine.releaseExpiredLease(job, JobStatus.CHUNKING, "w1")).isFalse();

        sql.update("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = ?", job);
        assertThat(machine.releaseExpiredLease(job, JobStatus.CHUNKING, "w2")).isFalse();
        assertThat(machine.releaseExpiredLease(job, JobStatus.CHUNKING, "w1")).isTrue();
        assertThat(machine.releaseExpiredLease(job, JobStatus.CHUNKING, "w1")).isFalse();
        assertThat(sql.queryForMap("SELECT status, attempts, lease_owner FROM jobs WHERE id = ?", job))
                .containsEntry("status", "chunking")
                .containsEntry("attempts", 1)
                .containsEntry("lease_owner", null);
    }

    @Test
    void should_send_each_failed_state_back_to_its_stage_queue() {
        assertThat(JobStateMachine.retryTarget(JobStatus.FAILED_PARSE)).isEqualTo(JobStatus.UPLOADED);
        assertThat(JobStateMachine.retryTarget(JobStatus.FAILED_CHUNKING)).isEqualTo(JobStatus.PARSED);
        assertThat(JobStateMachine.retryTarget(JobStatus.FAILED_EMBEDDING)).isEqualTo(JobStatus.EMBEDDING_QUEUED);
        for (JobStatus failed :
                EnumSet.of(JobStatus.FAILED_PARSE, JobStatus.FAILED_CHUNKING, JobStatus.FAILED_EMBEDDING)) {
            assertThat(inContract(failed, JobStateMachine.retryTarget(failed))).isTrue();
        }
    }

    @Test
    void should_let_only_complete_and_cancelled_be_dead_ends_and_let_every_other_state_be_cancelled() {
        for (JobStatus status : JobStatus.values()) {
            boolean terminal = status == JobStatus.COMPLETE || status == JobStatus.CANCELLED;
            boolean leavable = Arrays.stream(JobStatus.values()).anyMatch(to -> inContract(status, to));
            assertThat(leavable).as(status.wireName()).isEqualTo(!terminal);
            assertThat(status.isTerminal()).as(status.wireName()).isEqualTo(terminal);
            assertThat(inContract(status, JobStatus.CANCELLED))
                    .as(status.wireName())
                    .isEqualTo(!terminal);
        }
    }

    @Test
    void should_cancel_a_job_from_any_unfinished_state_once_with_its_event() {
        for (JobStatus status : JobStatus.values()) {
            UUID job = jobIn(status);

            Optional<Transition> cancelled = machine.cancel(job, "document deleted");
            Optional<Transition> again = machine.cancel(job, "document deleted");

            assertThat(cancelled.isPresent()).as(status.wireName()).isEqualTo(!status.isTerminal());
            assertThat(again).as(status.wireName()).isEmpty();
            assertThat(statusOf(job)).isEqualTo(status.isTerminal() ? status.wireName() : "cancelled");
            assertThat(sql.queryForObject(
                            "SELECT count(*) FROM job_events WHERE job_id = ? AND to_status = 'cancelled'"
                                    + " AND from_status = ?",
                            Integer.class,
                            job,
                            status.wireName()))
                    .isEqualTo(status.isTerminal() ? 0 : 1);
        }
    }

    private static UUID documentRow() {
        UUID document = UUID.randomUUID();
        sql.update(
                "INSERT INTO documents (id, sha256, filename, media_type, size_bytes, storage_path) VALUES (?, ?, 'a.txt', 'text/plain', 1, 'x')",
                document,
                String.format("%064x", document.getMostSignificantBits() & Long.MAX_VALUE));
        return document;
    }

    /** A job in each of the states, made in two statements. */
    private static List<UUID> jobsIn(List<JobStatus> states) {
        List<UUID> jobs = states.stream().map(state -> UUID.randomUUID()).toList();
        List<UUID> documents = states.stream().map(state -> UUID.randomUUID()).toList();
        MapSqlParameterSource rows = new MapSqlParameterSource()
                .addValue("jobs", jobs.toArray(UUID[]::new))
                .addValue("documents", documents.toArray(UUID[]::new))
                .addValue("states", states.stream().map(JobStatus::wireName).toArray(String[]::new));
        named.update("""
                INSERT INTO documents (id, sha256, filename, media_type, size_bytes, storage_path)
                SELECT id, md5(id::text) || md5(id::text), 'a.txt', 'text/plain', 1, 'x'
                  FROM unnest(CAST(:documents AS uuid[])) AS id""", rows);
        named.update("""
                INSERT INTO jobs (id, document_id, correlation_id, status)
                SELECT job, document, 'corr-' || job, status
                  FROM unnest(CAST(:jobs AS uuid[]), CAST(:documents AS uuid[]), CAST(:states AS text[]))
                       AS given (job, document, status)""", rows);
        return jobs;
    }

    /** Each job's status and number of events, as "status, events n". */
    private static Map<UUID, String> statusAndEvents(List<UUID> some, List<UUID> others) {
        Map<UUID, String> found = new HashMap<>();
        named.query(
                """
                SELECT j.id, j.status || ', events ' || (SELECT count(*) FROM job_events e WHERE e.job_id = j.id) AS state
                  FROM jobs j
                 WHERE j.id = ANY (CAST(:jobs AS uuid[]))""",
                new MapSqlParameterSource(
                        "jobs", Stream.concat(some.stream(), others.stream()).toArray(UUID[]::new)),
                row -> {
                    found.put(row.getObject("id", UUID.class), row.getString("state"));
                });
        return found;
    }

    private static UUID jobIn(JobStatus status) {
        UUID document = documentRow();
        UUID job = UUID.randomUUID();
        sql.update(
                "INSERT INTO jobs (id, document_id, correlation_id, status) VALUES (?, ?, ?, ?)",
                job,
                document,
                "corr-" + job,
                status.wireName());
        return job;
    }

    private static String statusOf(UUID job) {
        return sql.queryForObject("SELECT status FROM jobs WHERE id = ?", String.class, job);
    }

    private static int eventCount(UUID job) {
        return sql.queryForObject("SELECT count(*) FROM job_events WHERE job_id = ?", Integer.class, job);
    }

    /** What JobStateMachine binds for an unclaimed job's plain move. */
    private static MapSqlParameterSource transitionParameters(UUID job, Move move) {
        return new MapSqlParameterSource()
                .addValue("job_id", job)
                .addValue("lease_token", null)
                .addValue("mark_parse_ready", false)
                .addValue("from_status", move.from().wireName())
                .addValue("to_status", move.to().wireName())
                .addValue("attempt_increment", 0)
                .addValue("reset_attempts", false)
                .addValue("last_error", null)
                .addValue("not_before", null)
                .addValue("release_lease", true)
                .addValue("detail", "test")
                .addValue("actor", "test-instance");
    }

    private static ClaimedJob unclaimed(UUID job) {
        return new ClaimedJob(job, null, "corr-" + job, null);
    }
}
