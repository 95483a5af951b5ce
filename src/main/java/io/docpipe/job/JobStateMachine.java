package io.docpipe.job;

import static io.docpipe.job.JobStatus.*;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import io.docpipe.db.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The job state machine of the contract, and the only code that changes a job's status.
 *
 * <p>Every change is a compare-and-set {@code UPDATE ... WHERE id = :id AND status = :from} plus its
 * {@code job_events} row, in one statement (so in one transaction, or inside the caller's transaction when
 * there is one). A transition the table below does not allow throws and changes nothing; an allowed one whose job
 * has already moved on changes nothing and reports {@code applied = false}.
 */
public class JobStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(JobStateMachine.class);

    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = new EnumMap<>(JobStatus.class);

    static {
        ALLOWED.put(UPLOADED, EnumSet.of(PARSE_QUEUED, FAILED_PARSE));
        ALLOWED.put(PARSE_QUEUED, EnumSet.of(PARSED, FAILED_PARSE));
        ALLOWED.put(PARSED, EnumSet.of(CHUNKING, FAILED_CHUNKING));
        ALLOWED.put(CHUNKING, EnumSet.of(CHUNKS_STORED, FAILED_CHUNKING));
        ALLOWED.put(CHUNKS_STORED, EnumSet.of(EMBEDDING_QUEUED));
        ALLOWED.put(EMBEDDING_QUEUED, EnumSet.of(EMBEDDING_IN_PROGRESS, FAILED_EMBEDDING));
        // back to the queue: the provider is unavailable and the job waits rather than fails
        ALLOWED.put(EMBEDDING_IN_PROGRESS, EnumSet.of(EMBEDDINGS_STORED, EMBEDDING_QUEUED, FAILED_EMBEDDING));
        ALLOWED.put(EMBEDDINGS_STORED, EnumSet.of(COMPLETE));
        ALLOWED.put(COMPLETE, EnumSet.noneOf(JobStatus.class));
        // a retry puts a failed job back into the queue of the stage that failed
        ALLOWED.put(FAILED_PARSE, EnumSet.of(UPLOADED));
        ALLOWED.put(FAILED_CHUNKING, EnumSet.of(PARSED));
        ALLOWED.put(FAILED_EMBEDDING, EnumSet.of(EMBEDDING_QUEUED));
    }

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

    public static boolean isAllowed(JobStatus from, JobStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    public static Set<JobStatus> allowedFrom(JobStatus from) {
        return Set.copyOf(ALLOWED.get(from));
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
    public Transition advance(UUID jobId, JobStatus from, JobStatus to, String detail) {
        return apply(jobId, from, to, detail, null, null, false);
    }

    /** The last step of a stage: the job rests in {@code to} and its lease is released for the next stage. */
    public Transition handOff(UUID jobId, JobStatus from, JobStatus to, String detail) {
        return apply(jobId, from, to, detail, null, null, true);
    }

    /** Puts a job back in a queue state that may not be claimed before {@code notBefore}. */
    public Transition requeue(UUID jobId, JobStatus from, JobStatus to, String detail, Instant notBefore) {
        return apply(jobId, from, to, detail, null, notBefore, true);
    }

    /** Moves a job into a failed state, counting the attempt and keeping the error. */
    public Transition fail(UUID jobId, JobStatus from, JobStatus failed, String error, Instant nextAttemptAt) {
        if (!failed.isFailed()) {
            throw new IllegalArgumentException(failed + " is not a failed state");
        }
        return apply(jobId, from, failed, error, error, nextAttemptAt, true);
    }

    /**
     * Puts a job out of reach until {@code notBefore} because the provider asked us to wait, failed for a while,
     * or its circuit is open; the event row says why. A job waits in its queue state: one mid-embedding goes back to
     * {@code embedding_queued}, any other stays where it is. The lease is released.
     *
     * @param countAttempt true when a call was made and failed, false when the job only waits
     */
    public Transition postpone(UUID jobId, JobStatus status, Instant notBefore, String reason, boolean countAttempt) {
        if (status == COMPLETE || status.isFailed()) {
            throw new IllegalTransitionException(status, status);
        }
        JobStatus queue = status == EMBEDDING_IN_PROGRESS ? EMBEDDING_QUEUED : status;
        return write(jobId, status, queue, reason, countAttempt ? reason : null, notBefore, true, countAttempt ? 1 : 0);
    }

    /** Whether this instance still holds the job, in that state, under an unexpired lease. */
    public boolean isHeldBySelf(UUID jobId, JobStatus status) {
        Integer held = jdbc.queryForObject(SqlStatements.load("jobs/is-held-by.sql"), new MapSqlParameterSource()
                .addValue("job_id", jobId).addValue("status", status.wireName()).addValue("actor", actor), Integer.class);
        return held != null && held > 0;
    }

    private Transition apply(UUID jobId, JobStatus from, JobStatus to, String detail, String error,
            Instant notBefore, boolean releaseLease) {
        if (!isAllowed(from, to)) {
            throw new IllegalTransitionException(from, to);
        }
        return write(jobId, from, to, detail, error, notBefore, releaseLease, to.isFailed() ? 1 : 0);
    }

    private Transition write(UUID jobId, JobStatus from, JobStatus to, String detail, String error,
            Instant notBefore, boolean releaseLease, int attemptIncrement) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("job_id", jobId)
                .addValue("from_status", from.wireName())
                .addValue("to_status", to.wireName())
                .addValue("attempt_increment", attemptIncrement)
                .addValue("last_error", error)
                .addValue("not_before", notBefore == null ? null : Timestamp.from(notBefore))
                .addValue("release_lease", releaseLease)
                .addValue("detail", detail)
                .addValue("actor", actor);
        boolean applied = jdbc.update(SqlStatements.load("jobs/transition.sql"), params) == 1;
        Transition transition = new Transition(jobId, from, to, applied);
        if (applied) {
            onTransition.accept(to);
            LOG.info("job {} {} -> {}{}", jobId, from, to, detail == null ? "" : " (" + detail + ")");
        } else {
            LOG.info("{}", transition);
        }
        return transition;
    }
}
