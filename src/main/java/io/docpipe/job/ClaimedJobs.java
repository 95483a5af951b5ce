package io.docpipe.job;

import io.docpipe.db.SqlStatements;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Service;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The jobs this instance holds under a lease, and the heartbeat that keeps those leases alive while it works on
 * them. Leases can so be short ({@code docpipe.lease-seconds}, 30): a slow upload or a large embedding batch keeps
 * its job, and a job whose worker (or whole instance) died is free again within about one lease, when the
 * reclaim-expired-leases sweep frees it and counts the lost attempt.
 *
 * <ul>
 * <li>The heartbeat renews, every third of a lease, every unexpired lease this instance holds that is younger than
 * {@code docpipe.lease.max-hold-seconds}: a worker hung for longer loses its job.</li>
 * <li>An exchange that fails with a job in hand expires the job's lease at once, so the reclaim sweep takes it over
 * (and counts the attempt) instead of the heartbeat keeping it.</li>
 * <li>A clean stop releases every lease this instance holds, without counting an attempt: the jobs are free for
 * the next start or another instance at once.</li>
 * </ul>
 * Jobs waiting for LlamaParse in {@code parse_queued} hold no lease: the webhook or the overdue poll moves them.
 */
public class ClaimedJobs {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimedJobs.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final JobStateMachine stateMachine;
    private final CamelContext context;
    private final String owner;
    private final Duration lease;
    private final Duration maxHold;

    public ClaimedJobs(
            NamedParameterJdbcTemplate jdbc,
            JobStateMachine stateMachine,
            CamelContext context,
            String owner,
            Duration lease,
            Duration maxHold) {
        this.jdbc = jdbc;
        this.stateMachine = stateMachine;
        this.context = context;
        this.owner = owner;
        this.lease = lease;
        this.maxHold = maxHold;
    }

    /**
     * The claim routes' first step: the claimed row (or, for a claim whose jobs are worked on together, the list of
     * rows) as the job(s) this worker now holds. A failure of the exchange gives their leases up at once; the
     * correlation context of a single job is entered, and left when the exchange is done.
     */
    @SuppressWarnings("unchecked")
    public Object take(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        List<ClaimedJob> jobs = new ArrayList<>();
        Object taken;
        if (body instanceof List<?> rows) {
            rows.forEach(row -> jobs.add(started((Map<String, Object>) row)));
            taken = jobs;
        } else {
            ClaimedJob job = started((Map<String, Object>) body);
            jobs.add(job);
            CorrelationContext.enter(job);
            taken = job;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onFailure(Exchange failed) {
                giveUp(jobs);
            }

            @Override
            public void onDone(Exchange done) {
                CorrelationContext.leave();
            }
        });
        return taken;
    }

    /**
     * Right before a paid call for a claimed job: renews its lease and returns it while this worker still holds it
     * (fencing); null when the job was taken over or given up, so nothing is paid for it here.
     */
    public ClaimedJob fence(@Body ClaimedJob job) {
        return stillHeld(List.of(job)).isEmpty() ? null : job;
    }

    /** The jobs of {@code jobs} this worker still holds, their leases renewed (see {@link #fence}). */
    public List<ClaimedJob> stillHeld(List<ClaimedJob> jobs) {
        List<ClaimedJob> claimed =
                jobs.stream().filter(job -> job.leaseToken() != null).toList();
        if (claimed.isEmpty()) {
            return jobs;
        }
        Set<UUID> held = new HashSet<>(jdbc.queryForList(
                SqlStatements.load("jobs/renew-lease.sql"),
                new MapSqlParameterSource()
                        .addValue("lease_seconds", lease.toSeconds())
                        .addValue(
                                "job_ids", claimed.stream().map(ClaimedJob::id).toArray(UUID[]::new))
                        .addValue(
                                "lease_tokens",
                                claimed.stream().map(ClaimedJob::leaseToken).toArray(Long[]::new)),
                UUID.class));
        List<ClaimedJob> still = jobs.stream()
                .filter(job -> job.leaseToken() == null || held.contains(job.id()))
                .toList();
        if (still.size() < jobs.size()) {
            jobs.stream()
                    .filter(job -> !still.contains(job))
                    .forEach(job ->
                            LOG.warn("job {} was taken over by another worker; nothing is paid for it here", job.id()));
        }
        return still;
    }

    /** A claimed row as a job; a claim that started the job (moved it on) counts that move. */
    private ClaimedJob started(Map<String, Object> row) {
        ClaimedJob job = ClaimedJob.fromRow(row);
        Object claimedStatus = row.get("claimed_status");
        if (claimedStatus != null && !claimedStatus.equals(row.get("status"))) {
            stateMachine.moved(job.status());
        }
        return job;
    }

    /** Renews the unexpired leases this instance holds (see the class comment); returns how many. */
    public int renew() {
        return jdbc.update(
                SqlStatements.load("jobs/renew-leases.sql"),
                new MapSqlParameterSource()
                        .addValue("owner", owner)
                        .addValue("lease_seconds", lease.toSeconds())
                        .addValue("max_hold_seconds", maxHold.toSeconds()));
    }

    /** Frees every lease of this instance at once, without counting an attempt (a clean stop). */
    public int releaseAll() {
        return jdbc.update(SqlStatements.load("jobs/release-leases.sql"), new MapSqlParameterSource("owner", owner));
    }

    /**
     * On the embedded database, which no other instance can share, every lease at start belongs to a process that
     * is gone: they expire now, and the reclaim sweep frees them (counting the lost attempt) within seconds instead
     * of one lease later.
     */
    public int expireAllOnStart() {
        int expired = jdbc.update(SqlStatements.load("jobs/expire-all-leases.sql"), new MapSqlParameterSource());
        if (expired > 0) {
            LOG.warn(
                    "{} jobs were held by a docpipe that did not stop cleanly; the reclaim sweep frees them now",
                    expired);
        }
        return expired;
    }

    private void giveUp(List<ClaimedJob> jobs) {
        try {
            jdbc.update(
                    SqlStatements.load("jobs/expire-leases.sql"),
                    new MapSqlParameterSource()
                            .addValue("owner", owner)
                            .addValue(
                                    "job_ids", jobs.stream().map(ClaimedJob::id).toArray(UUID[]::new)));
        } catch (RuntimeException e) {
            // the database may be what failed: the job is then reclaimed when the lease runs out or the hold ends
            LOG.warn("could not give up the leases of {} failed jobs: {}", jobs.size(), e.getMessage());
        }
    }

    /**
     * The heartbeat and the release on stopping, as a service of the CamelContext (not of this bean: a route that
     * calls the bean would stop it with itself). Add it after the database, so that Camel stops it after the routes
     * and before the database.
     */
    public Service heartbeat() {
        return new Heartbeat();
    }

    private final class Heartbeat extends ServiceSupport {

        private ScheduledExecutorService timer;

        @Override
        protected void doStart() {
            long every = Math.max(1, lease.toMillis() / 3);
            timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "lease-heartbeat");
            timer.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void doStop() {
            if (timer != null) {
                context.getExecutorServiceManager().shutdownNow(timer);
                timer = null;
            }
            try {
                int released = releaseAll();
                if (released > 0) {
                    LOG.info("released the leases of {} jobs on stopping", released);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not release this instance's leases on stopping: {}", e.getMessage());
            }
        }

        private void beat() {
            try {
                renew();
            } catch (RuntimeException e) {
                LOG.warn("lease heartbeat failed: {}", e.getMessage());
            }
        }
    }
}
