package io.docpipe.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.testsupport.TestPostgres;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The queries that run all the time (the stages' claims, the frequent sweeps, the lookups of the webhook and the API) stay
 * index-driven as the tables grow: on 100,000 jobs, almost all of them complete as in a long-running install, none
 * of them reads a whole big table. The plans are PostgreSQL's own (EXPLAIN of docpipe's SQL files, parameters bound
 * as literals, after ANALYZE); nothing here is timed.
 */
class QueryPlansTest {

    private static final int JOBS = 100_000;
    private static final Pattern PROPERTY = Pattern.compile(":#\\$\\{properties:([\\w.-]+)}");
    private static final Pattern VARIABLE = Pattern.compile(":#\\$\\{variable\\.([\\w.]+)}");
    private static final Pattern NAMED = Pattern.compile("(?<![:\\w]):([a-z_][a-z0-9_]*)");
    /** Tables that grow with every document: none of them may be read whole. */
    private static final List<String> BIG_TABLES = List.of(
            "jobs",
            "job_events",
            "documents",
            "parsed_text_pages",
            "chunks",
            "embeddings",
            "search_changes",
            "webhook_deliveries");

    private static JdbcTemplate sql;

    @BeforeAll
    static void aLongRunningInstall() {
        DataSource dataSource = TestPostgres.dataSource(TestPostgres.newDatabase());
        Database.migrate(dataSource);
        sql = new JdbcTemplate(dataSource);
        // 100,000 documents with their jobs: 97 % complete, the rest spread over every state a claim or sweep looks for
        sql.execute("""
                INSERT INTO documents (id, sha256, filename, media_type, size_bytes, storage_path, created_at)
                SELECT md5(n::text)::uuid, lpad(to_hex(n), 64, '0'), 'doc-' || n || '.md', 'text/markdown', 1000,
                       'documents/' || n, now() - make_interval(mins => n)
                  FROM generate_series(1, %d) n""".formatted(JOBS));
        sql.execute("""
                INSERT INTO jobs (id, document_id, correlation_id, status, created_at, updated_at, parse_job_id,
                                  not_before, lease_owner, lease_expires_at, parse_ready_at)
                SELECT md5('job' || n)::uuid, md5(n::text)::uuid, 'corr-' || n,
                       CASE WHEN n %% 100 < 97 THEN 'complete'
                            ELSE (ARRAY['uploaded', 'parse_queued', 'parsed', 'chunking', 'embedding_queued',
                                        'embedding_in_progress', 'failed_parse', 'failed_embedding'])[1 + n %% 8] END,
                       now() - make_interval(mins => n), now() - make_interval(mins => n),
                       CASE WHEN n %% 100 >= 97 AND 1 + n %% 8 = 2 THEN 'parse-' || n END,
                       CASE WHEN n %% 100 >= 97 AND 1 + n %% 8 IN (7, 8) THEN now() + interval '1 hour' END,
                       CASE WHEN n %% 100 = 99 THEN 'instance-a' END,
                       CASE WHEN n %% 100 = 99 THEN now() + interval '30 seconds' END,
                       CASE WHEN n %% 100 >= 97 AND 1 + n %% 8 = 2 AND n %% 2 = 0 THEN now() END
                  FROM generate_series(1, %d) n""".formatted(JOBS));
        sql.execute("""
                INSERT INTO job_events (job_id, correlation_id, from_status, to_status, actor, at)
                SELECT md5('job' || n)::uuid, 'corr-' || n, 'uploaded', 'parse_queued', 'test',
                       -- a daily purge finds the few events that aged out (retention 30 days) since the day before
                       now() - make_interval(secs => CASE WHEN n %% 100 = 0 THEN 31 * 86400 ELSE n * 25 END)
                  FROM generate_series(1, %d) n, generate_series(1, 3) e""".formatted(JOBS));
        sql.execute("""
                INSERT INTO parsed_text_pages (document_id, page, text)
                SELECT md5(n::text)::uuid, 0, 'the parsed text of ' || n
                  FROM generate_series(1, %d) n""".formatted(JOBS));
        sql.execute("""
                INSERT INTO chunks (document_id, ordinal, text, token_count)
                SELECT md5(n::text)::uuid, c, 'chunk ' || c || ' of ' || n, 4
                  FROM generate_series(1, %d) n, generate_series(0, 2) c""".formatted(JOBS));
        sql.execute("""
                INSERT INTO embeddings (chunk_id, provider, model, dimensions, vector, fallback)
                SELECT id, 'mock', 'm', 1, '\\x00000000'::bytea, id % 50 = 0 FROM chunks""");
        sql.execute("""
                INSERT INTO search_changes (document_id) SELECT md5(n::text)::uuid FROM generate_series(1, %d) n""".formatted(JOBS));
        sql.execute("""
                INSERT INTO webhook_deliveries (event_id, job_id, event_type, received_at)
                SELECT 'event-' || n, md5('job' || n)::uuid, 'parse.success', now() - make_interval(secs => n * 25)
                  FROM generate_series(1, %d) n""".formatted(JOBS));
        sql.execute("ANALYZE");
    }

    static Stream<Arguments> queries() {
        Map<String, Map<String, String>> queries = new LinkedHashMap<>();
        // the stages' claims
        queries.put("parse/claim-parse-work.sql", Map.of());
        queries.put("parse/claim-fetch-work.sql", Map.of());
        queries.put("chunk/claim-chunk-work.sql", Map.of());
        queries.put("embed/claim-embed-work.sql", Map.of());
        queries.put(
                "embed/find-unembedded-chunks.sql",
                Map.of(
                        "document_ids",
                        "ARRAY[md5('1')::uuid, md5('2')::uuid]",
                        "after_document",
                        "'00000000-0000-0000-0000-000000000000'",
                        "after_ordinal",
                        "-1",
                        "limit",
                        "4096"));
        // the sweeps
        queries.put("parse/mark-overdue-parse-jobs.sql", Map.of());
        queries.put("jobs/find-expired-leases.sql", Map.of("limit", "100"));
        queries.put("jobs/find-retry-due.sql", Map.of("limit", "100"));
        queries.put(
                "jobs/find-rescheduled-due.sql",
                Map.of("now", "now()", "llamaparse_raised", "false", "openai_raised", "false", "limit", "100"));
        // (the daily retention purge of job events may hash-join the jobs it checks: once a day, that is cheaper)
        queries.put("sweep/purge-webhook-deliveries.sql", Map.of("retention_days", "30"));
        queries.put("embed/find-fallback-embeddings.sql", Map.of("limit", "100"));
        queries.put("observe/count-dead-jobs.sql", Map.of());
        queries.put(
                "search/find-unapplied-changes.sql", Map.of("applied_snapshot", "CAST(pg_current_snapshot() AS text)"));
        // the moves of a job, each joining job_transitions (the table of allowed moves)
        queries.put(
                "jobs/transition.sql",
                Map.ofEntries(
                        Map.entry("job_id", "md5('job77')::uuid"),
                        Map.entry("lease_token", "NULL"),
                        Map.entry("mark_parse_ready", "false"),
                        Map.entry("from_status", "'uploaded'"),
                        Map.entry("to_status", "'parse_queued'"),
                        Map.entry("attempt_increment", "0"),
                        Map.entry("reset_attempts", "false"),
                        Map.entry("last_error", "NULL"),
                        Map.entry("not_before", "NULL"),
                        Map.entry("release_lease", "true"),
                        Map.entry("detail", "NULL"),
                        Map.entry("actor", "'a'")));
        // the routes' moves (SQL steps binding the exchange's variables)
        Map<String, String> routeMove = Map.of(
                "job.id", "md5('job77')::uuid",
                "job.leaseToken", "7",
                "from", "'chunking'",
                "to", "'failed_chunking'",
                "detail", "'no text'",
                "until", "now()");
        queries.put("jobs/fail.sql", routeMove);
        queries.put("jobs/advance.sql", routeMove);
        queries.put("jobs/wait.sql", routeMove);
        queries.put("jobs/reschedule.sql", routeMove);
        queries.put("jobs/add-event.sql", routeMove);
        queries.put("parse/forget-parse-job.sql", routeMove);
        queries.put(
                "jobs/transition-all.sql",
                Map.of(
                        "job_ids",
                        "ARRAY[md5('job77')::uuid]",
                        "lease_tokens",
                        "ARRAY[NULL::bigint]",
                        "from_status",
                        "'embeddings_stored'",
                        "to_status",
                        "'complete'",
                        "release_lease",
                        "true",
                        "detail",
                        "NULL",
                        "actor",
                        "'a'"));
        queries.put(
                "parse/store-parsed.sql",
                Map.of(
                        "job_id",
                        "md5('job77')::uuid",
                        "lease_token",
                        "7",
                        "first_page",
                        "'text'",
                        "page_count",
                        "1",
                        "parse_provider",
                        "'mock'",
                        "parse_pages",
                        "1",
                        "parse_credits",
                        "0",
                        "failed_pages",
                        "NULL",
                        "detail",
                        "NULL",
                        "actor",
                        "'a'"));
        queries.put(
                "chunk/store-chunk-batch.sql",
                Map.of(
                        "job_id",
                        "md5('job77')::uuid",
                        "lease_token",
                        "7",
                        "document_id",
                        "md5('77')::uuid",
                        "ordinals",
                        "ARRAY[0]",
                        "texts",
                        "ARRAY['t']",
                        "token_counts",
                        "ARRAY[1]"));
        queries.put(
                "documents/store-parsed-pages.sql",
                Map.of("job_id", "md5('job77')::uuid", "lease_token", "7", "pages", "ARRAY[1]", "texts", "ARRAY['t']"));
        queries.put(
                "documents/read-parsed-pages.sql",
                Map.of("document_id", "md5('77')::uuid", "from_page", "0", "limit", "4"));
        queries.put(
                "chunk/store-chunks.sql",
                Map.of(
                        "job_id",
                        "md5('job77')::uuid",
                        "lease_token",
                        "7",
                        "document_id",
                        "md5('77')::uuid",
                        "ordinals",
                        "ARRAY[0]",
                        "texts",
                        "ARRAY['t']",
                        "token_counts",
                        "ARRAY[1]",
                        "chunk_count",
                        "1",
                        "detail",
                        "NULL",
                        "actor",
                        "'a'"));
        queries.put(
                "embed/store-embedded-jobs.sql",
                Map.of("job_ids", "ARRAY[md5('job77')::uuid]", "lease_tokens", "ARRAY[7::bigint]", "actor", "'a'"));
        // the webhook's and the API's lookups
        queries.put("jobs/find-by-correlation-id.sql", Map.of("correlation_id", "'corr-77'"));
        queries.put("jobs/find-by-parse-job.sql", Map.of("parse_job_id", "'parse-98'"));
        queries.put("documents/find-duplicate.sql", Map.of("sha256", "'" + "0".repeat(60) + "abcd'"));
        queries.put("jobs/list-jobs.sql", Map.of("status", "NULL", "dead_only", "false", "limit", "50"));
        queries.put("jobs/list-job-events.sql", Map.of("job_id", "md5('job77')::uuid"));
        return queries.entrySet().stream().map(query -> Arguments.of(query.getKey(), query.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void should_read_no_big_table_whole(String file, Map<String, String> parameters) {
        String plan = String.join(
                "\n", sql.queryForList("EXPLAIN " + bound(SqlStatements.load(file), parameters), String.class));

        for (String table : BIG_TABLES) {
            assertThat(plan).as("plan of %s:%n%s", file, plan).doesNotContainPattern("Seq Scan on " + table + "\\b");
        }
    }

    /** The statement with camel-sql's property placeholders and the named parameters replaced by SQL literals. */
    private static String bound(String statement, Map<String, String> parameters) {
        Map<String, String> properties = Map.of(
                "docpipe.instance-id",
                "'instance-a'",
                "docpipe.lease-seconds",
                "30",
                "docpipe.llamaparse.webhook-wait-seconds",
                "600",
                "docpipe.sweeps.batch-size",
                "100");
        Matcher property = PROPERTY.matcher(statement);
        StringBuilder withProperties = new StringBuilder();
        while (property.find()) {
            String name = property.group(1);
            String value = properties.getOrDefault(name, name.endsWith("claim-batch-size") ? "64" : null);
            assertThat(value).as("a value for property %s", name).isNotNull();
            property.appendReplacement(withProperties, Matcher.quoteReplacement(value));
        }
        property.appendTail(withProperties);
        Matcher variable = VARIABLE.matcher(withProperties.toString());
        StringBuilder withVariables = new StringBuilder();
        while (variable.find()) {
            String value = parameters.get(variable.group(1));
            assertThat(value).as("a value for variable %s", variable.group(1)).isNotNull();
            variable.appendReplacement(withVariables, Matcher.quoteReplacement(value));
        }
        variable.appendTail(withVariables);
        Matcher named = NAMED.matcher(withVariables.toString());
        StringBuilder bound = new StringBuilder();
        while (named.find()) {
            String value = parameters.get(named.group(1));
            assertThat(value).as("a value for :%s", named.group(1)).isNotNull();
            named.appendReplacement(bound, Matcher.quoteReplacement(value));
        }
        named.appendTail(bound);
        return bound.toString();
    }
}
