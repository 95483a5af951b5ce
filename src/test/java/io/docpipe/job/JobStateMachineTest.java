package io.docpipe.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.docpipe.db.Database;
import io.docpipe.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** The contract's state machine against a real PostgreSQL: every allowed move, forbidden ones, repeats. */
class JobStateMachineTest {

    private static JdbcTemplate sql;
    private static JobStateMachine machine;

    @BeforeAll
    static void database() {
        DataSource dataSource = TestPostgres.dataSource(TestPostgres.newDatabase());
        Database.migrate(dataSource);
        sql = new JdbcTemplate(dataSource);
        machine = new JobStateMachine(new NamedParameterJdbcTemplate(dataSource), "test-instance", to -> { });
    }

    /** The state machine of the contract (../shared/CONTRACT.md, "Job states"), written out rather than derived. */
    static Stream<Arguments> allowedTransitions() {
        return Stream.of(
                Arguments.of(JobStatus.UPLOADED, JobStatus.PARSE_QUEUED),
                Arguments.of(JobStatus.UPLOADED, JobStatus.FAILED_PARSE),
                Arguments.of(JobStatus.PARSE_QUEUED, JobStatus.PARSED),
                Arguments.of(JobStatus.PARSE_QUEUED, JobStatus.FAILED_PARSE),
                Arguments.of(JobStatus.PARSED, JobStatus.CHUNKING),
                Arguments.of(JobStatus.PARSED, JobStatus.FAILED_CHUNKING),
                Arguments.of(JobStatus.CHUNKING, JobStatus.CHUNKS_STORED),
                Arguments.of(JobStatus.CHUNKING, JobStatus.FAILED_CHUNKING),
                Arguments.of(JobStatus.CHUNKS_STORED, JobStatus.EMBEDDING_QUEUED),
                Arguments.of(JobStatus.EMBEDDING_QUEUED, JobStatus.EMBEDDING_IN_PROGRESS),
                Arguments.of(JobStatus.EMBEDDING_QUEUED, JobStatus.FAILED_EMBEDDING),
                Arguments.of(JobStatus.EMBEDDING_IN_PROGRESS, JobStatus.EMBEDDINGS_STORED),
                Arguments.of(JobStatus.EMBEDDING_IN_PROGRESS, JobStatus.EMBEDDING_QUEUED),
                Arguments.of(JobStatus.EMBEDDING_IN_PROGRESS, JobStatus.FAILED_EMBEDDING),
                Arguments.of(JobStatus.EMBEDDINGS_STORED, JobStatus.COMPLETE),
                Arguments.of(JobStatus.FAILED_PARSE, JobStatus.UPLOADED),
                Arguments.of(JobStatus.FAILED_PARSE, JobStatus.PARSE_QUEUED),
                Arguments.of(JobStatus.FAILED_CHUNKING, JobStatus.PARSED),
                Arguments.of(JobStatus.FAILED_EMBEDDING, JobStatus.EMBEDDING_QUEUED),
                // a deleted document's job is cancelled from wherever it is, unless it completed
                Arguments.of(JobStatus.UPLOADED, JobStatus.CANCELLED),
                Arguments.of(JobStatus.PARSE_QUEUED, JobStatus.CANCELLED),
                Arguments.of(JobStatus.PARSED, JobStatus.CANCELLED),
                Arguments.of(JobStatus.CHUNKING, JobStatus.CANCELLED),
                Arguments.of(JobStatus.CHUNKS_STORED, JobStatus.CANCELLED),
                Arguments.of(JobStatus.EMBEDDING_QUEUED, JobStatus.CANCELLED),
                Arguments.of(JobStatus.EMBEDDING_IN_PROGRESS, JobStatus.CANCELLED),
                Arguments.of(JobStatus.EMBEDDINGS_STORED, JobStatus.CANCELLED),
                Arguments.of(JobStatus.FAILED_PARSE, JobStatus.CANCELLED),
                Arguments.of(JobStatus.FAILED_CHUNKING, JobStatus.CANCELLED),
                Arguments.of(JobStatus.FAILED_EMBEDDING, JobStatus.CANCELLED));
    }

    @Test
    void should_allow_exactly_the_transitions_of_the_contract() {
        for (JobStatus from : JobStatus.values()) {
            for (JobStatus to : JobStatus.values()) {
                boolean listed = allowedTransitions().anyMatch(pair -> pair.get()[0] == from && pair.get()[1] == to);
                assertThat(JobStateMachine.isAllowed(from, to)).as(from + " -> " + to).isEqualTo(listed);
            }
        }
    }

    static Stream<Arguments> forbiddenTransitions() {
        return Stream.of(
                Arguments.of(JobStatus.UPLOADED, JobStatus.COMPLETE),
                Arguments.of(JobStatus.UPLOADED, JobStatus.PARSED),
                Arguments.of(JobStatus.PARSED, JobStatus.EMBEDDING_QUEUED),
                Arguments.of(JobStatus.COMPLETE, JobStatus.UPLOADED),
                Arguments.of(JobStatus.COMPLETE, JobStatus.FAILED_EMBEDDING),
                Arguments.of(JobStatus.FAILED_PARSE, JobStatus.PARSED),
                Arguments.of(JobStatus.FAILED_EMBEDDING, JobStatus.COMPLETE),
                Arguments.of(JobStatus.EMBEDDINGS_STORED, JobStatus.EMBEDDING_IN_PROGRESS),
                Arguments.of(JobStatus.CHUNKING, JobStatus.PARSED));
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
        assertThat(event).containsEntry("from_status", from.wireName()).containsEntry("to_status", to.wireName())
                .containsEntry("detail", "test").containsEntry("actor", "test-instance")
                .containsEntry("correlation_id", "corr-" + job);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("forbiddenTransitions")
    void should_refuse_a_forbidden_transition_and_change_nothing(JobStatus from, JobStatus to) {
        UUID job = jobIn(from);

        assertThatThrownBy(() -> machine.advance(unclaimed(job), from, to, "test"))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining(from.wireName()).hasMessageContaining(to.wireName());

        assertThat(statusOf(job)).isEqualTo(from.wireName());
        assertThat(eventCount(job)).isZero();
    }

    @Test
    void should_apply_a_workers_move_only_while_it_holds_its_claim() {
        UUID job = jobIn(JobStatus.PARSED);
        sql.update("UPDATE jobs SET lease_owner = 'w1', lease_token = 7, lease_expires_at = now() + interval '1 minute' "
                + "WHERE id = ?", job);
        ClaimedJob stale = new ClaimedJob(job, null, "corr-" + job, JobStatus.PARSED, 6L);
        ClaimedJob holder = new ClaimedJob(job, null, "corr-" + job, JobStatus.PARSED, 7L);

        assertThat(machine.advance(stale, JobStatus.PARSED, JobStatus.CHUNKING, null).applied()).isFalse();
        assertThat(machine.advance(holder, JobStatus.PARSED, JobStatus.CHUNKING, null).applied()).isTrue();
        machine.advance(holder, JobStatus.CHUNKING, JobStatus.CHUNKS_STORED, null);
        assertThat(machine.handOff(holder, JobStatus.CHUNKS_STORED, JobStatus.EMBEDDING_QUEUED, null).applied()).isTrue();
        // released: the token is gone with the lease, so the old claim moves nothing any more
        assertThat(sql.queryForMap("SELECT lease_owner, lease_token FROM jobs WHERE id = ?", job))
                .containsEntry("lease_owner", null).containsEntry("lease_token", null);
        assertThat(machine.postpone(holder, JobStatus.EMBEDDING_QUEUED, Instant.now(), "late", false).applied()).isFalse();
    }

    @Test
    void should_send_a_failed_parse_whose_llamaparse_job_is_known_back_to_reading_its_result() {
        UUID job = jobIn(JobStatus.PARSE_QUEUED);
        machine.fail(unclaimed(job), JobStatus.PARSE_QUEUED, JobStatus.FAILED_PARSE, "result unreadable", null);

        assertThat(machine.retry(unclaimed(job), JobStatus.FAILED_PARSE, "manual retry", true, true).applied()).isTrue();

        assertThat(sql.queryForMap("SELECT status, parse_ready_at IS NOT NULL AS ready FROM jobs WHERE id = ?", job))
                .containsEntry("status", "parse_queued").containsEntry("ready", true);
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
        sql.update("UPDATE jobs SET lease_owner = 'w1', lease_expires_at = now() + interval '5 minutes' WHERE id = ?", job);

        machine.fail(unclaimed(job), JobStatus.PARSE_QUEUED, JobStatus.FAILED_PARSE, "no text", null);

        Map<String, Object> row = sql.queryForMap("SELECT attempts, last_error, lease_owner FROM jobs WHERE id = ?", job);
        assertThat(row).containsEntry("attempts", 1).containsEntry("last_error", "no text").containsEntry("lease_owner", null);
    }

    @Test
    void should_keep_the_lease_on_advance_and_release_it_on_hand_off() {
        UUID job = jobIn(JobStatus.PARSED);
        sql.update("UPDATE jobs SET lease_owner = 'w1', lease_expires_at = now() + interval '5 minutes' WHERE id = ?", job);

        machine.advance(unclaimed(job), JobStatus.PARSED, JobStatus.CHUNKING, null);
        assertThat(sql.queryForObject("SELECT lease_owner FROM jobs WHERE id = ?", String.class, job)).isEqualTo("w1");

        machine.advance(unclaimed(job), JobStatus.CHUNKING, JobStatus.CHUNKS_STORED, null);
        machine.handOff(unclaimed(job), JobStatus.CHUNKS_STORED, JobStatus.EMBEDDING_QUEUED, null);
        assertThat(sql.queryForObject("SELECT lease_owner FROM jobs WHERE id = ?", String.class, job)).isNull();
    }

    @Test
    void should_keep_the_next_attempt_of_a_failed_job_and_count_on_after_an_automatic_retry() {
        UUID job = jobIn(JobStatus.EMBEDDING_IN_PROGRESS);
        Instant next = Instant.parse("2030-01-01T00:00:00Z");

        machine.fail(unclaimed(job), JobStatus.EMBEDDING_IN_PROGRESS, JobStatus.FAILED_EMBEDDING, "503", next);
        assertThat(sql.queryForObject("SELECT not_before FROM jobs WHERE id = ?", Timestamp.class, job).toInstant()).isEqualTo(next);

        assertThat(machine.retry(unclaimed(job), JobStatus.FAILED_EMBEDDING, "automatic retry", false, false).applied()).isTrue();
        assertThat(sql.queryForMap("SELECT status, attempts, not_before FROM jobs WHERE id = ?", job))
                .containsEntry("status", "embedding_queued").containsEntry("attempts", 1).containsEntry("not_before", null);
        assertThat(machine.retry(unclaimed(job), JobStatus.FAILED_EMBEDDING, "automatic retry", false, false).applied()).isFalse();
    }

    @Test
    void should_start_a_fresh_count_of_attempts_on_a_manual_retry() {
        UUID job = jobIn(JobStatus.UPLOADED);
        machine.fail(unclaimed(job), JobStatus.UPLOADED, JobStatus.FAILED_PARSE, "gave up", null);

        machine.retry(unclaimed(job), JobStatus.FAILED_PARSE, "manual retry", true, false);

        assertThat(sql.queryForMap("SELECT status, attempts FROM jobs WHERE id = ?", job))
                .containsEntry("status", "uploaded").containsEntry("attempts", 0);
    }

    @Test
    void should_park_a_rescheduled_job_until_it_is_released() {
        UUID job = jobIn(JobStatus.EMBEDDING_IN_PROGRESS);
        Instant window = Instant.parse("2030-01-02T00:00:00Z");

        machine.reschedule(unclaimed(job), JobStatus.EMBEDDING_IN_PROGRESS, window, "over budget");
        assertThat(sql.queryForMap("SELECT status, rescheduled_until, not_before = 'infinity' AS parked FROM jobs WHERE id = ?", job))
                .containsEntry("status", "embedding_queued").containsEntry("rescheduled_until", Timestamp.from(window))
                .containsEntry("parked", true);

        machine.release(unclaimed(job), JobStatus.EMBEDDING_QUEUED, "window opened");
        assertThat(sql.queryForMap("SELECT status, rescheduled_until, not_before FROM jobs WHERE id = ?", job))
                .containsEntry("status", "embedding_queued").containsEntry("rescheduled_until", null)
                .containsEntry("not_before", null);
        assertThat(sql.queryForList("SELECT detail FROM job_events WHERE job_id = ? ORDER BY id", String.class, job))
                .containsExactly("over budget", "window opened");
    }

    @Test
    void should_free_only_an_expired_lease_of_the_named_worker() {
        UUID job = jobIn(JobStatus.CHUNKING);
        sql.update("UPDATE jobs SET lease_owner = 'w1', lease_expires_at = now() + interval '5 minutes' WHERE id = ?", job);
        assertThat(machine.releaseExpiredLease(job, JobStatus.CHUNKING, "w1")).isFalse();

        sql.update("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = ?", job);
        assertThat(machine.releaseExpiredLease(job, JobStatus.CHUNKING, "w2")).isFalse();
        assertThat(machine.releaseExpiredLease(job, JobStatus.CHUNKING, "w1")).isTrue();
        assertThat(machine.releaseExpiredLease(job, JobStatus.CHUNKING, "w1")).isFalse();
        assertThat(sql.queryForMap("SELECT status, attempts, lease_owner FROM jobs WHERE id = ?", job))
                .containsEntry("status", "chunking").containsEntry("attempts", 1).containsEntry("lease_owner", null);
    }

    @Test
    void should_send_each_failed_state_back_to_its_stage_queue() {
        assertThat(JobStateMachine.retryTarget(JobStatus.FAILED_PARSE)).isEqualTo(JobStatus.UPLOADED);
        assertThat(JobStateMachine.retryTarget(JobStatus.FAILED_CHUNKING)).isEqualTo(JobStatus.PARSED);
        assertThat(JobStateMachine.retryTarget(JobStatus.FAILED_EMBEDDING)).isEqualTo(JobStatus.EMBEDDING_QUEUED);
        for (JobStatus failed : EnumSet.of(JobStatus.FAILED_PARSE, JobStatus.FAILED_CHUNKING, JobStatus.FAILED_EMBEDDING)) {
            assertThat(JobStateMachine.isAllowed(failed, JobStateMachine.retryTarget(failed))).isTrue();
        }
    }

    @Test
    void should_let_only_complete_and_cancelled_be_dead_ends_and_let_every_other_state_be_cancelled() {
        for (JobStatus status : JobStatus.values()) {
            boolean terminal = status == JobStatus.COMPLETE || status == JobStatus.CANCELLED;
            assertThat(JobStateMachine.allowedFrom(status).isEmpty()).as(status.wireName()).isEqualTo(terminal);
            assertThat(status.isTerminal()).as(status.wireName()).isEqualTo(terminal);
            assertThat(JobStateMachine.isAllowed(status, JobStatus.CANCELLED)).as(status.wireName()).isEqualTo(!terminal);
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
            assertThat(sql.queryForObject("SELECT count(*) FROM job_events WHERE job_id = ? AND to_status = 'cancelled'"
                    + " AND from_status = ?", Integer.class, job, status.wireName())).isEqualTo(status.isTerminal() ? 0 : 1);
        }
    }

    private static UUID jobIn(JobStatus status) {
        UUID document = UUID.randomUUID();
        UUID job = UUID.randomUUID();
        sql.update("INSERT INTO documents (id, sha256, filename, media_type, size_bytes, storage_path) VALUES (?, ?, 'a.txt', 'text/plain', 1, 'x')",
                document, String.format("%064x", document.getMostSignificantBits() & Long.MAX_VALUE));
        sql.update("INSERT INTO jobs (id, document_id, correlation_id, status) VALUES (?, ?, ?, ?)",
                job, document, "corr-" + job, status.wireName());
        return job;
    }

    private static String statusOf(UUID job) {
        return sql.queryForObject("SELECT status FROM jobs WHERE id = ?", String.class, job);
    }

    private static int eventCount(UUID job) {
        return sql.queryForObject("SELECT count(*) FROM job_events WHERE job_id = ?", Integer.class, job);
    }

    private static ClaimedJob unclaimed(UUID job) {
        return new ClaimedJob(job, null, "corr-" + job, null);
    }
}
