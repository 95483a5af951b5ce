package io.docpipe.search;

import io.docpipe.db.SqlStatements;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** What the search side asks PostgreSQL, vectors aside: snapshots, the change log, and what is still pending. */
public class SearchQueries {

    private final NamedParameterJdbcTemplate jdbc;

    public SearchQueries(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The running transaction's snapshot ({@code pg_snapshot} text). */
    public String currentSnapshot() {
        return jdbc.queryForObject(
                SqlStatements.load("search/current-snapshot.sql"), new MapSqlParameterSource(), String.class);
    }

    /** Documents changed by transactions {@code appliedSnapshot} does not see. */
    public List<UUID> unappliedChanges(String appliedSnapshot) {
        return jdbc.queryForList(
                SqlStatements.load("search/find-unapplied-changes.sql"),
                new MapSqlParameterSource("applied_snapshot", appliedSnapshot),
                UUID.class);
    }

    /** Whether changes that {@code appliedSnapshot} does not see may have been purged: then only a rebuild is right. */
    public boolean isPastHorizon(String appliedSnapshot) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                SqlStatements.load("search/is-past-horizon.sql"),
                new MapSqlParameterSource("applied_snapshot", appliedSnapshot),
                Boolean.class));
    }

    /** For each document with a change {@code appliedSnapshot} does not see: its embeddings search will find. */
    public Map<UUID, Long> unappliedEmbeddings(String appliedSnapshot) {
        return jdbc
                .queryForList(
                        SqlStatements.load("search/count-unapplied-embeddings.sql"),
                        new MapSqlParameterSource("applied_snapshot", appliedSnapshot))
                .stream()
                .collect(Collectors.toMap(
                        row -> (UUID) row.get("document_id"),
                        row -> ((Number) row.get("searchable_embeddings")).longValue()));
    }

    public long searchableEmbeddings() {
        Long count = jdbc.queryForObject(
                SqlStatements.load("search/count-searchable-embeddings.sql"), new MapSqlParameterSource(), Long.class);
        return count == null ? 0 : count;
    }

    /** Documents (among {@code documentIds}, when given) whose jobs have not completed yet but will go on. */
    public long pendingDocuments(Set<UUID> documentIds) {
        Long count = documentIds == null
                ? jdbc.queryForObject(
                        SqlStatements.load("search/count-pending-documents.sql"),
                        new MapSqlParameterSource(),
                        Long.class)
                : documentIds.isEmpty()
                        ? Long.valueOf(0)
                        : jdbc.queryForObject(
                                SqlStatements.load("search/count-pending-documents-among.sql"),
                                new MapSqlParameterSource("document_ids", documentIds),
                                Long.class);
        return count == null ? 0 : count;
    }
}
