package io.docpipe.job;

import static io.docpipe.job.JobStatus.*;

import io.docpipe.db.SafeText;
import io.docpipe.db.SqlStatements;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The job state machine of the contract, and the only code that changes a job's status.
 *
 * <p>Every change is a compare-and-set {@code UPDATE ... WHERE id = :id AND status = :from} plus its
 * {@code job_events} row, in one statement (so in one transaction, or inside the caller's transaction when
 * there is one). The allowed moves are the rows of the table {@code job_transitions} (migration V50), which every
 * such statement joins: the database refuses any other move, and this class then throws
 * {@link IllegalTransitionException}. An allowed move whose job has already moved on changes nothing and reports
 * {@code applied = false}.
 */
public class JobStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(JobStateMachine.class);
    /** Errors and event details come partly from outside (provider messages): bounded, and free of NUL. */
    private static final int MAX_TEXT_CHARS = 2000;

    private final NamedParameterJdbcTemplate jdbc;
    private final String actor;
    private final Consumer<JobStatus> onTransition;

    /**
     * @param actor        names this instance in the event rows it writes
     * @param onTransition told of every applied transition's target status (metrics)
     */
    public JobStateMachine(NamedParameterJdbcTemplate jdbc, String actor, Consumer<JobStatus> onTransition) {
        this.jdbc = jdbc;
        this.actor = actor;
        this.onTransition = onTransition;
    }

    /**
     * Creates a job in {@code uploaded} with its first event (no from state), inside the caller's transaction (the
     * upload's, which records its document with it).
     */
    public void create(UUID jobId, UUID documentId, String correlationId, String detail) {
        jdbc.update(
                SqlStatements.load("jobs/insert-job.sql"),
                new MapSqlParameterSource()
                        .addValue("job_id", jobId)
                        .addValue("document_id", documentId)
                        .addValue("correlation_id", correlationId)
                        .addValue("detail", SafeText.lines(detail, MAX_TEXT_CHARS))
                        .addValue("actor", actor));
    }

    /** Whether the table {@code job_transitions} allows the move: read from the database, the one place it is kept. */
    public boolean allows(JobStatus from, JobStatus to) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                SqlStatements.load("jobs/find-transition.sql"),
                new MapSqlParameterSource()
                        .addValue("from_status", from.wireName())
                        .addValue("to_status", to.wireName()),
                Boolean.class));
    }

    /** The queue a failed job returns to when it is retried. */
    public static JobStatus retryTarget(JobStatus failed) {
        return switch (failed) {
            case FAILED_PARSE -> UPLOADED;
            case FAILED_CHUNKING -> PARSED;
            case FAILED_EMBEDDING -> EMBEDDING_QUEUED;
            default -> throw new IllegalArgumentException(failed + " is not a failed state");
        };
    }

    /** A step inside a stage: the worker keeps its lease on the job. */
    public Transition advance(ClaimedJob job, JobStatus from, JobStatus to, String detail) {
        return apply(new Change(job, from, to, detail).keepLease());
    }

    /** The last step of a stage: the job rests in {@code to} and its lease is released for the next stage. */
    public Transition handOff(ClaimedJob job, JobStatus from, JobStatus to, String detail) {
        return apply(new Change(job, from, to, detail));
    }

    /**
     * The same move for several jobs a worker holds, in one statement (each still a compare-and-set with its event):
     * a step inside a stage ({@code releaseLease} false) or its last step.
     *
     * @return the jobs that moved; the others had moved on, or the worker no longer holds them
     * @throws IllegalTransitionException when none moved because job_transitions forbids the move
     */
    public List<ClaimedJob> moveAll(
            List<ClaimedJob> jobs, JobStatus from, JobStatus to, String detail, boolean releaseLease) {
        if (jobs.isEmpty()) {
            return List.of();
        }
        Set<UUID> moved = new HashSet<>(jdbc.queryForList(
                SqlStatements.load("jobs/transition-all.sql"),
                new MapSqlParameterSource()
                        .addValue("job_ids", jobs.stream().map(ClaimedJob::id).toArray(UUID[]::new))
                        .addValue(
                                "lease_tokens",
                                jobs.stream().map(ClaimedJob::leaseToken).toArray(Long[]::new))
                        .addValue("from_status", from.wireName())
                        .addValue("to_status", to.wireName())
                        .addValue("release_lease", releaseLease)
                        .addValue("detail", SafeText.lines(detail, MAX_TEXT_CHARS))
                        .addValue("actor", actor),
                UUID.class));
        if (moved.isEmpty()) {
            refuseIfForbidden(from, to);
        }
        List<ClaimedJob> movedJobs = new ArrayList<>(moved.size());
        for (ClaimedJob job : jobs) {
            if (moved.contains(job.id())) {
                movedJobs.add(job.in(to));
                onTransition.accept(to);
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} of {} jobs {} -> {}", movedJobs.size(), jobs.size(), from, to);
        }
        return movedJobs;
    }

    /**
     * Counts a move a statement of its own made (a claim that starts the jobs it takes, a stage that stores its
     * output and moves its job in one statement), for the transition meters.
     */
    public void moved(JobStatus to) {
        onTransition.accept(to);
    }

    /**
     * A parser's text of one page stored with its job's move parse_queued -> parsed (lease released), in one
     * statement; only while the worker still holds the job.
     *
     * @return whether it was stored (false: another worker got there first, or took the job over)
     */
    public boolean storeParsed(
            ClaimedJob job, String text, String provider, Integer pages, java.math.BigDecimal credits, String detail) {
        return storeParsed(job, text, 1, provider, pages, credits, List.of(), detail);
    }

    /**
     * As {@link #storeParsed(ClaimedJob, String, String, Integer, java.math.BigDecimal, String)}, for a text of
     * {@code pageCount} pages whose pages after {@code firstPage} were written before in the same transaction (the
     * caller rolls them back when this returns false), and a parse whose {@code failedPages} (page numbers) are not in
     * the text: they are recorded on the job.
     */
    public boolean storeParsed(
            ClaimedJob job,
            String firstPage,
            int pageCount,
            String provider,
            Integer pages,
            java.math.BigDecimal credits,
            List<Integer> failedPages,
            String detail) {
        String failed = failedPages.isEmpty()
                ? null
                : failedPages.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        boolean stored = !jdbc.queryForList(
                        SqlStatements.load("parse/store-parsed.sql"),
                        new MapSqlParameterSource()
                                .addValue("job_id", job.id())
                                .addValue("lease_token", job.leaseToken())
                                .addValue("first_page", firstPage)
                                .addValue("page_count", pageCount)
                                .addValue("parse_provider", provider)
                                .addValue("parse_pages", pages)
                                .addValue("parse_credits", credits)
                                .addValue("failed_pages", failed)
                                .addValue("detail", SafeText.lines(detail, MAX_TEXT_CHARS))
                                .addValue("actor", actor),
                        UUID.class)
                .isEmpty();
        if (stored) {
            moved(PARSED);
            LOG.debug("job {} parse_queued -> parsed ({})", job.id(), detail);
        }
        return stored;
    }

    /**
     * Sends a failed job back to the queue of the stage that failed. A manual retry gives the job a fresh set of
     * attempts; an automatic one (the retry sweep) keeps counting them. A failed parse whose LlamaParse job is known
     * (its result could not be read) goes back to reading that result, not to a second, paid upload.
     *
     * @param parseJobKnown the job has a LlamaParse job whose result may still be read
     */
    public Transition retry(ClaimedJob job, JobStatus failed, String detail, boolean manual, boolean parseJobKnown) {
        boolean fetchAgain = failed == FAILED_PARSE && parseJobKnown;
        Change change = new Change(job, failed, fetchAgain ? PARSE_QUEUED : retryTarget(failed), detail);
        change.resetAttempts = manual;
        change.markParseReady = fetchAgain;
        return apply(change);
    }

    /**
     * Moves a job into a failed state, counting the attempt and keeping the error.
     *
     * @param nextAttemptAt when the retry sweep sends it back to its queue; null when it is not retried by itself
     *                      (a permanent failure, or the last attempt: the job is dead)
     */
    public Transition fail(ClaimedJob job, JobStatus from, JobStatus failed, String error, Instant nextAttemptAt) {
        if (!failed.isFailed()) {
            throw new IllegalArgumentException(failed + " is not a failed state");
        }
        Change change = new Change(job, from, failed, error);
        change.error = error;
        change.notBefore = nextAttemptAt;
        change.attemptIncrement = 1;
        return apply(change);
    }

    /**
     * Moves a job into a failed state for a reason outside the job (its document store cannot be reached): as
     * {@link #fail}, but without spending an attempt, so an outage however long never makes a job dead.
     */
    public Transition failWithoutAttempt(
            ClaimedJob job, JobStatus from, JobStatus failed, String error, Instant nextAttemptAt) {
        if (!failed.isFailed()) {
            throw new IllegalArgumentException(failed + " is not a failed state");
        }
        Change change = new Change(job, from, failed, error);
        change.error = error;
        change.notBefore = nextAttemptAt;
        return apply(change);
    }

    /**
     * Puts a job out of reach until {@code notBefore} because the provider asked us to wait, failed for a while,
     * or its circuit is open; the event row says why. A job waits in its queue state: one mid-embedding goes back to
     * {@code embedding_queued}, any other stays where it is. The lease is released.
     *
     * @param countAttempt true when a call was made and failed, false when the job only waits
     */
    public Transition postpone(
            ClaimedJob job, JobStatus status, Instant notBefore, String reason, boolean countAttempt) {
        Change change = waitingIn(job, status, reason);
        change.notBefore = notBefore;
        if (countAttempt) {
            change.error = reason;
            change.attemptIncrement = 1;
        }
        return apply(change);
    }

    /**
     * Lets a rescheduled job be claimed again: its budget window has opened. (The routes park it with
     * {@code sql/jobs/reschedule.sql}.)
     */
    public Transition release(ClaimedJob job, JobStatus status, String reason) {
        return apply(waitingIn(job, status, reason));
    }

    /**
     * Frees the lease {@code leaseOwner} let expire on a job, counting the interrupted attempt.
     *
     * @return whether the lease was still the expired one and is now free
     */
    public boolean releaseExpiredLease(UUID jobId, JobStatus status, String leaseOwner) {
        boolean released = !jdbc.queryForList(
                        SqlStatements.load("jobs/release-expired-lease.sql"),
                        new MapSqlParameterSource()
                                .addValue("job_id", jobId)
                                .addValue("status", status.wireName())
                                .addValue("lease_owner", leaseOwner)
                                .addValue("actor", actor),
                        UUID.class)
                .isEmpty();
        if (released) {
            LOG.warn("job {} in {}: lease of {} expired; released for another worker", jobId, status, leaseOwner);
        }
        return released;
    }

    /**
     * Cancels the job of a deleted document from whatever state it is in, unless it completed or was cancelled
     * already. Runs inside the caller's transaction: the job's row is locked first, so a stage's transaction that
     * holds it finishes before, and any later compare-and-set of a stage finds the job cancelled and changes
     * nothing. The lease is released, and no retry or reschedule is left on it.
     *
     * @return the applied transition, or empty when the job had completed or was cancelled already
     */
    public Optional<Transition> cancel(UUID jobId, String detail) {
        List<String> locked = jdbc.queryForList(
                SqlStatements.load("jobs/lock-job.sql"), new MapSqlParameterSource("job_id", jobId), String.class);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        JobStatus status = JobStatus.ofWireName(locked.get(0));
        // not a worker's move: no lease token to check, and whoever held the lease loses it
        Transition transition = write(new Change(new ClaimedJob(jobId, null, null, status), status, CANCELLED, detail));
        if (transition.applied()) {
            return Optional.of(transition);
        }
        // locked, the job is still in status: job_transitions has no way from it to cancelled (complete, cancelled)
        if (allows(status, CANCELLED)) {
            throw new IllegalStateException("job " + jobId + " changed while locked for cancelling");
        }
        return Optional.empty();
    }

    /** Adds an event to the job's log without changing it. */
    public void note(UUID jobId, String detail) {
        jdbc.update(
                SqlStatements.load("jobs/note.sql"),
                new MapSqlParameterSource()
                        .addValue("job_id", jobId)
                        .addValue("detail", SafeText.lines(detail, MAX_TEXT_CHARS))
                        .addValue("actor", actor));
    }

    /** A job waits in its queue state; job_transitions says in which states a job may wait (rows (s, s)). */
    private static Change waitingIn(ClaimedJob job, JobStatus status, String reason) {
        return new Change(job, status, status == EMBEDDING_IN_PROGRESS ? EMBEDDING_QUEUED : status, reason);
    }

    /** Writes the change; a change the database refused because job_transitions forbids it throws. */
    private Transition apply(Change change) {
        Transition transition = write(change);
        if (!transition.applied()) {
            refuseIfForbidden(change.from, change.to);
        }
        return transition;
    }

    /** After a move changed nothing: throws when the reason is the table, not a job that had moved on. */
    private void refuseIfForbidden(JobStatus from, JobStatus to) {
        if (!allows(from, to)) {
            throw new IllegalTransitionException(from, to);
        }
    }

    private Transition write(Change change) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("job_id", change.job.id())
                .addValue("lease_token", change.job.leaseToken())
                .addValue("mark_parse_ready", change.markParseReady)
                .addValue("from_status", change.from.wireName())
                .addValue("to_status", change.to.wireName())
                .addValue("attempt_increment", change.attemptIncrement)
                .addValue("reset_attempts", change.resetAttempts)
                .addValue("last_error", SafeText.lines(change.error, MAX_TEXT_CHARS))
                .addValue("not_before", timestamp(change.notBefore))
                .addValue("release_lease", change.releaseLease)
                .addValue("detail", SafeText.lines(change.detail, MAX_TEXT_CHARS))
                .addValue("actor", actor);
        boolean applied = jdbc.update(SqlStatements.load("jobs/transition.sql"), params) == 1;
        Transition transition = new Transition(change.job.id(), change.from, change.to, applied);
        if (applied) {
            onTransition.accept(change.to);
            // every move is in the job's event log already; the log shows failures, and the rest at DEBUG
            if (change.to.isFailed()) {
                LOG.info("job {} {} -> {}: {}", change.job.id(), change.from, change.to, change.detail);
            } else if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "job {} {} -> {}{}",
                        change.job.id(),
                        change.from,
                        change.to,
                        change.detail == null ? "" : " (" + change.detail + ")");
            }
        } else {
            LOG.debug("{}", transition);
        }
        return transition;
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** One change of a job as {@code jobs/transition.sql} writes it; by default the lease is released. */
    private static final class Change {
        final ClaimedJob job;
        final JobStatus from;
        final JobStatus to;
        final String detail;
        String error;
        Instant notBefore;
        int attemptIncrement;
        boolean resetAttempts;
        boolean releaseLease = true;
        boolean markParseReady;

        Change(ClaimedJob job, JobStatus from, JobStatus to, String detail) {
            this.job = job;
            this.from = from;
            this.to = to;
            this.detail = detail;
        }

        Change keepLease() {
            releaseLease = false;
            return this;
        }
    }
}
