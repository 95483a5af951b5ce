package io.docpipe.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.docpipe.testsupport.DocpipeProcess;
import io.docpipe.testsupport.RunningDocpipe;
import io.docpipe.testsupport.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two docpipe instances, in two JVMs, on one database form one Quartz cluster: every sweep fires once per schedule,
 * on one of them, however many instances run.
 */
class ClusteredSweepsTest {

    @Test
    void should_fire_each_sweep_once_per_schedule_across_two_instances() throws Exception {
        String database = TestPostgres.newDatabase();
        String cluster = "docpipe-cluster-" + UUID.randomUUID();
        Map<String, String> shared =
                Map.of("docpipe.sweeps.cluster-name", cluster, "docpipe.sweeps.cluster-checkin-ms", "1000");
        Map<String, String> everySecond = new java.util.HashMap<>(shared);
        RunningDocpipe.SWEEPS.forEach(sweep -> everySecond.put("docpipe.sweeps." + sweep + ".cron", "* * * * * ?"));

        try (RunningDocpipe here = RunningDocpipe.start(database, shared);
                DocpipeProcess there = DocpipeProcess.start(database, everySecond)) {
            // both instances have checked in to the one cluster
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> here.sql()
                                    .queryForObject(
                                            "SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = ?",
                                            Integer.class,
                                            cluster)
                            == 2);
            long firstRun = here.sql().queryForObject("SELECT coalesce(max(id), 0) FROM sweep_runs", Long.class);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> here.sql()
                                    .queryForObject(
                                            "SELECT count(DISTINCT scheduled_fire_time) FROM sweep_runs WHERE sweep = 'retry-failed-jobs' AND id > ?",
                                            Integer.class,
                                            firstRun)
                            >= 6);

            List<Map<String, Object>> duplicates = here.sql()
                    .queryForList(
                            "SELECT sweep, scheduled_fire_time, count(*) FROM sweep_runs WHERE id > ? "
                                    + "GROUP BY sweep, scheduled_fire_time HAVING count(*) > 1",
                            firstRun);
            assertThat(duplicates)
                    .as("fire times run by more than one instance (log: %s)", there.log())
                    .isEmpty();
            assertThat(here.sql()
                            .queryForList("SELECT DISTINCT sweep FROM sweep_runs WHERE id > ?", String.class, firstRun))
                    .containsExactlyInAnyOrderElementsOf(RunningDocpipe.SWEEPS);
        }
    }
}
