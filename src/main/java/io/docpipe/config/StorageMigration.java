package io.docpipe.config;

import io.docpipe.db.Database;
import io.docpipe.db.SqlStatements;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.LocalDocumentStorage;
import io.docpipe.storage.S3DocumentStorage;
import io.docpipe.storage.StorageUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * {@code java -jar docpipe.jar migrate-storage}: copies the local document store ({@code $DOCPIPE_DATA_DIR/documents})
 * into the bucket the {@code S3_*} variables name ({@code DOCPIPE_STORAGE=s3}), with the same keys, media types and
 * file names an upload would give them. Every file a live document uses is copied unless the bucket has it already,
 * so running it again copies nothing twice (and copies what uploads added in between). The local files stay; the
 * database is only read. Configured like docpipe itself: the same environment variables, {@code -D} properties and
 * application.properties.
 */
public final class StorageMigration {

    private static final Logger LOG = LoggerFactory.getLogger(StorageMigration.class);

    /** What one run did: files copied, files the bucket had already, files missing from the local store. */
    public record Result(int copied, int present, int missing) {

        @Override
        public String toString() {
            return copied + " copied, " + present + " already in the bucket, " + missing
                    + " missing from the local store";
        }
    }

    private StorageMigration() {}

    /** Runs the migration with the settings docpipe would start with. */
    public static Result run(Map<String, String> overrides) {
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            PropertiesComponent properties = context.getPropertiesComponent();
            properties.setLocation("classpath:application.properties");
            Properties override = new Properties();
            override.putAll(overrides);
            properties.setOverrideProperties(override);
            return migrate(new Settings(context));
        } finally {
            context.stop();
        }
    }

    static Result migrate(Settings settings) {
        DocumentStorage target = StorageSettings.open(settings);
        if (!(target instanceof S3DocumentStorage bucket)) {
            throw new StartupRefusedException(
                    "migrate-storage copies the local store into a bucket: set DOCPIPE_STORAGE=s3"
                            + " and the S3_* variables of the bucket");
        }
        try {
            try {
                bucket.verify();
            } catch (StorageUnavailableException e) {
                throw new StartupRefusedException(e.getMessage());
            }
            Path dataDir = settings.path("docpipe.data-dir");
            String url = settings.string("docpipe.database.url");
            if (url.isEmpty()) {
                refuseWhileEmbeddedRuns(dataDir.resolve("postgres"));
            }
            Database database = Database.open(
                    url,
                    settings.string("docpipe.database.user"),
                    settings.string("docpipe.database.password"),
                    dataDir,
                    2,
                    Boolean.parseBoolean(settings.string("docpipe.database.embedded-durable")));
            try {
                Result result = copy(
                        new NamedParameterJdbcTemplate(database.dataSource()),
                        new LocalDocumentStorage(dataDir),
                        bucket);
                LOG.info(
                        "migrated the local store {} into {}: {}",
                        dataDir.resolve("documents"),
                        bucket.location(),
                        result);
                return result;
            } finally {
                ServiceHelper.stopService(database);
            }
        } finally {
            bucket.close();
        }
    }

    private static Result copy(NamedParameterJdbcTemplate jdbc, LocalDocumentStorage source, S3DocumentStorage bucket) {
        int copied = 0;
        int present = 0;
        int missing = 0;
        List<Map<String, Object>> files =
                jdbc.queryForList(SqlStatements.load("storage/find-live-documents.sql"), new MapSqlParameterSource());
        for (Map<String, Object> row : files) {
            String path = (String) row.get("storage_path");
            if (bucket.exists(path)) {
                present++;
            } else if (!source.exists(path)) {
                missing++;
                LOG.warn("{} is used by a live document but is not in the local store; not copied", path);
            } else {
                bucket.put(
                        source.resolve(path),
                        new DocumentStorage.StoredFile(
                                ((String) row.get("sha256")).trim(),
                                (String) row.get("media_type"),
                                (String) row.get("filename"),
                                ((Number) row.get("size_bytes")).longValue()),
                        path);
                copied++;
            }
        }
        return new Result(copied, present, missing);
    }

    /** Another PostgreSQL on the embedded data directory is a running docpipe's: opening it would stop it. */
    private static void refuseWhileEmbeddedRuns(Path postgres) {
        Path pidFile = postgres.resolve("postmaster.pid");
        try {
            if (Files.isRegularFile(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new StartupRefusedException("the embedded PostgreSQL in " + postgres + " is running (process "
                            + pid + "): stop docpipe before migrate-storage");
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof StartupRefusedException refused) {
                throw refused;
            }
            // an unreadable pid file: Database.open decides, as at any start
        }
    }
}
