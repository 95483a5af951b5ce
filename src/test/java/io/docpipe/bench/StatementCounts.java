package io.docpipe.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a benchmark run asked of PostgreSQL, from pg_stat_statements (top-level statements, per database) and
 * pg_stat_database (commits): the statements per document docpipe runs against those of its floor.
 */
final class StatementCounts {

    private final JdbcTemplate sql;
    private final long commitsBefore;

    private StatementCounts(JdbcTemplate sql, long commitsBefore) {
        this.sql = sql;
        this.commitsBefore = commitsBefore;
    }

    /**
     * Makes the server docpipe will start in {@code postgresDir} load pg_stat_statements: initialises it and sets the
     * library in postgresql.auto.conf, which the next start reads.
     */
    static void preload(Path postgresDir) throws IOException {
        try (EmbeddedPostgres server = EmbeddedPostgres.builder()
                        .setDataDirectory(postgresDir)
                        .setCleanDataDirectory(false)
                        .start();
                Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts from now on (all databases of the server). */
    static StatementCounts reset(JdbcTemplate sql) {
        sql.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        sql.queryForList("SELECT pg_stat_statements_reset()");
        return new StatementCounts(sql, commits(sql));
    }

    private static long commits(JdbcTemplate sql) {
        return sql.queryForObject("SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database", Long.class);
    }

    /** The statements run in {@code database} since the reset, per document: the total and the most called. */
    String report(String database, int documents) {
        List<Map<String, Object>> rows = sql.queryForList("""
                SELECT s.calls, s.rows, s.total_exec_time, regexp_replace(s.query, '\\s+', ' ', 'g') AS query
                  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                 WHERE d.datname = ?
                 ORDER BY s.calls DESC
                """, database);
        long calls = rows.stream()
                .mapToLong(r -> ((Number) r.get("calls")).longValue())
                .sum();
        double ms = rows.stream()
                .mapToDouble(r -> ((Number) r.get("total_exec_time")).doubleValue())
                .sum();
        StringBuilder report = new StringBuilder(String.format(
                "%.1f statements, %.2f ms executing, per document; %.1f commits per document (all databases)%n",
                (double) calls / documents, ms / documents, (double) (commits(sql) - commitsBefore) / documents));
        for (Map<String, Object> row : rows.subList(0, Math.min(25, rows.size()))) {
            String query = (String) row.get("query");
            report.append(String.format(
                    "%7.2f calls %8.3f ms  %s%n",
                    ((Number) row.get("calls")).doubleValue() / documents,
                    ((Number) row.get("total_exec_time")).doubleValue() / documents,
                    query.substring(0, Math.min(150, query.length()))));
        }
        return report.toString();
    }
}
