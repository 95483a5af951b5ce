package io.docpipe.document;

import io.docpipe.db.SqlStatements;
import io.docpipe.storage.ContentAddress;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.StorageUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Removes stored files no live document uses: bytes of an upload whose rows never committed (a crash, a failed
 * transaction between storing the bytes and recording them), and files a delete could not remove (the store was
 * down). Only files older than {@code docpipe.storage.orphan-grace-hours} are looked at, so an upload whose rows are
 * about to commit keeps its bytes; each removal re-counts the file's users under the bytes' lock, as a delete does,
 * so an upload of the same bytes at that moment either finds them or stores them again.
 */
public class OrphanedFiles {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanedFiles.class);

    private final DocumentStorage storage;
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DocumentVersions versions;
    private final Duration grace;
    private final Clock clock;
    private final int batchSize;

    public OrphanedFiles(
            DocumentStorage storage,
            NamedParameterJdbcTemplate jdbc,
            TransactionTemplate tx,
            DocumentVersions versions,
            Duration grace,
            Clock clock,
            int batchSize) {
        this.storage = storage;
        this.jdbc = jdbc;
        this.tx = tx;
        this.versions = versions;
        this.grace = grace;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    /** @return the files removed (at most the batch size per run); none while the store cannot be reached */
    public int purge() {
        try {
            return purgeOld();
        } catch (StorageUnavailableException e) {
            LOG.warn("stored files without a live document were not looked for: {}", e.getMessage());
            return 0;
        }
    }

    private int purgeOld() {
        Instant cutoff = clock.instant().minus(grace);
        AtomicInteger removed = new AtomicInteger();
        storage.list(page -> {
            List<DocumentStorage.Entry> old = page.stream()
                    .filter(entry -> entry.lastModified().isBefore(cutoff))
                    .toList();
            if (old.isEmpty() || removed.get() >= batchSize) {
                return;
            }
            Set<String> used = new HashSet<>(jdbc.queryForList(
                    SqlStatements.load("storage/find-live-files.sql"),
                    new MapSqlParameterSource(
                            "sha256s",
                            old.stream()
                                    .map(entry -> ContentAddress.ofPath(entry.storagePath()))
                                    .toArray(String[]::new)),
                    String.class));
            for (DocumentStorage.Entry entry : old) {
                String sha256 = ContentAddress.ofPath(entry.storagePath());
                if (removed.get() < batchSize && !used.contains(sha256) && removeUnused(sha256, entry.storagePath())) {
                    removed.incrementAndGet();
                }
            }
        });
        if (removed.get() > 0) {
            LOG.info("removed {} stored files no live document uses from {}", removed.get(), storage.location());
        }
        return removed.get();
    }

    private boolean removeUnused(String sha256, String storagePath) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            versions.lockBytes(sha256);
            Integer users = jdbc.queryForObject(
                    SqlStatements.load("documents/count-live-with-bytes.sql"),
                    new MapSqlParameterSource("sha256", sha256),
                    Integer.class);
            if (users != null && users > 0) {
                return false;
            }
            storage.remove(storagePath);
            return true;
        }));
    }
}
