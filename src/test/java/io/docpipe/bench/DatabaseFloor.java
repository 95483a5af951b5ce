package io.docpipe.bench;

import static io.docpipe.job.JobStatus.CHUNKS_STORED;
import static io.docpipe.job.JobStatus.COMPLETE;
import static io.docpipe.job.JobStatus.EMBEDDINGS_STORED;
import static io.docpipe.job.JobStatus.EMBEDDING_QUEUED;
import static io.docpipe.job.JobStatus.PARSE_QUEUED;
import static io.docpipe.job.JobStatus.UPLOADED;

import io.docpipe.chunk.Chunk;
import io.docpipe.chunk.ChunkRepository;
import io.docpipe.db.SqlStatements;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.DocumentVersions;
import io.docpipe.document.SearchChangeLog;
import io.docpipe.document.StoredDocument;
import io.docpipe.embed.EmbeddedBatch;
import io.docpipe.embed.EmbeddingRepository;
import io.docpipe.embed.PendingBatch;
import io.docpipe.embed.PendingBatch.PendingChunk;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The floor docpipe's throughput is measured against: the same database writes per document as docpipe's mock
 * pipeline makes, and nothing else — no Camel, no HTTP, no parsing, chunking or embedding (the parsed text, the
 * chunks and a vector are computed before the clock starts). It runs docpipe's own SQL files through the same
 * repository classes, with the same statements, batch sizes and transaction boundaries, from several threads that,
 * like docpipe's workers, claim whatever work is there: the upload's document and job, the parse claim, the move to
 * parse_queued, the read of the document and the stored text with its move, the chunk claim, the read and the stored
 * chunks with their moves, the embed claim, the read of the unembedded chunks, the fencing renewal, the vectors, and
 * the moves to embeddings_stored and complete, each completed document's search change.
 */
final class DatabaseFloor {

    private static final Pattern PROPERTY = Pattern.compile(":#\\$\\{properties:([\\w.-]+)}");

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JobStateMachine jobs;
    private final ChunkRepository chunks;
    private final EmbeddingRepository embeddings;
    private final DocumentRepository documentRows;
    private final DocumentVersions versions;
    private final Map<String, Object> claimSettings;
    private final int parseBatch;
    private final int chunkBatch;
    private final int embedBatch;
    private final int maxInputsPerRequest;

    DatabaseFloor(DataSource dataSource, int parseBatch, int chunkBatch, int embedBatch, int maxInputsPerRequest) {
        this.jdbc = new NamedParameterJdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.jobs = new JobStateMachine(jdbc, "floor", to -> {});
        this.chunks = new ChunkRepository(jdbc, "floor");
        this.embeddings = new EmbeddingRepository(jdbc, "floor");
        this.documentRows = new DocumentRepository(jdbc);
        this.versions = new DocumentVersions(jdbc, new SearchChangeLog(jdbc));
        this.parseBatch = parseBatch;
        this.chunkBatch = chunkBatch;
        this.embedBatch = embedBatch;
        this.maxInputsPerRequest = maxInputsPerRequest;
        this.claimSettings = Map.of(
                "docpipe.instance-id",
                "floor",
                "docpipe.lease-seconds",
                "30",
                "docpipe.parse.claim-batch-size",
                String.valueOf(parseBatch),
                "docpipe.chunk.claim-batch-size",
                String.valueOf(chunkBatch),
                "docpipe.embed.claim-batch-size",
                String.valueOf(embedBatch));
    }

    /** One document as the pipeline ends up writing it. */
    record Document(byte[] bytes, String parsedText, List<Chunk> chunks) {}

    /** @return documents per second */
    double run(List<Document> documents, int threads, float[] vector) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger complete = new AtomicInteger();
        Map<UUID, Document> byDocument = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                while (complete.get() < documents.size()) {
                    // upload a claim's worth, then take whatever work the stages have, as docpipe's workers do
                    for (int i = 0; i < parseBatch; i++) {
                        int index = next.getAndIncrement();
                        if (index < documents.size()) {
                            upload(documents.get(index), byDocument);
                        }
                    }
                    parse(byDocument);
                    chunk(byDocument);
                    complete.addAndGet(embed(vector));
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        return documents.size() / ((System.nanoTime() - start) / 1e9);
    }

    private void upload(Document document, Map<UUID, Document> byDocument) {
        String sha256 = sha256(document.bytes());
        UUID documentId = UUID.randomUUID();
        byDocument.put(documentId, document);
        tx.executeWithoutResult(status -> {
            versions.lockUpload(null, sha256);
            versions.duplicateOf(sha256);
            documentRows.insert(new StoredDocument(
                    documentId,
                    sha256,
                    "floor.md",
                    "text/x-web-markdown",
                    document.bytes().length,
                    "documents/" + sha256.substring(0, 2) + "/" + sha256,
                    null,
                    null,
                    false));
            jdbc.update(
                    SqlStatements.load("jobs/insert-job.sql"),
                    new MapSqlParameterSource()
                            .addValue("job_id", UUID.randomUUID())
                            .addValue("document_id", documentId)
                            .addValue("correlation_id", UUID.randomUUID().toString())
                            .addValue("detail", "uploaded floor.md")
                            .addValue("actor", "floor"));
        });
    }

    private void parse(Map<UUID, Document> byDocument) {
        for (ClaimedJob job : claim("parse/claim-parse-work.sql")) {
            ClaimedJob queued = job.in(PARSE_QUEUED);
            jobs.advance(job, UPLOADED, PARSE_QUEUED, "parsing locally (mock)");
            readDocument(job);
            String text = byDocument.get(job.documentId()).parsedText();
            jobs.storeParsed(queued, text, "mock", null, null, "parsed locally: " + text.length() + " characters");
        }
    }

    private void chunk(Map<UUID, Document> byDocument) {
        for (ClaimedJob job : claim("chunk/claim-chunk-work.sql")) {
            readDocument(job);
            List<Chunk> pieces = byDocument.get(job.documentId()).chunks();
            tx.executeWithoutResult(status -> {
                if (chunks.store(job, pieces)) {
                    jobs.handOff(job.in(CHUNKS_STORED), CHUNKS_STORED, EMBEDDING_QUEUED, null);
                }
            });
        }
    }

    /** @return the jobs completed */
    private int embed(float[] vector) {
        List<ClaimedJob> started = claim("embed/claim-embed-work.sql");
        if (started.isEmpty()) {
            return 0;
        }
        Map<UUID, ClaimedJob> byDocument = new java.util.LinkedHashMap<>();
        started.forEach(job -> byDocument.put(job.documentId(), job));
        List<PendingChunk> pending = new ArrayList<>();
        for (EmbeddingRepository.UnembeddedChunk chunk : embeddings.findUnembedded(List.copyOf(byDocument.keySet()))) {
            pending.add(new PendingChunk(chunk.chunkId(), byDocument.get(chunk.documentId()), chunk.text(), 1));
        }
        for (int from = 0; from < pending.size(); from += maxInputsPerRequest) {
            List<PendingChunk> slice = pending.subList(from, Math.min(pending.size(), from + maxInputsPerRequest));
            PendingBatch batch = new PendingBatch(List.copyOf(slice), slice.size());
            jdbc.queryForList(
                    SqlStatements.load("jobs/renew-lease.sql"),
                    new MapSqlParameterSource()
                            .addValue("lease_seconds", 30)
                            .addValue(
                                    "job_ids",
                                    batch.jobs().stream().map(ClaimedJob::id).toArray(UUID[]::new))
                            .addValue(
                                    "lease_tokens",
                                    batch.jobs().stream()
                                            .map(ClaimedJob::leaseToken)
                                            .toArray(Long[]::new)),
                    UUID.class);
            List<float[]> vectors = slice.stream().map(chunk -> vector).toList();
            tx.executeWithoutResult(status ->
                    embeddings.insert(new EmbeddedBatch(batch, vectors, "mock", "text-embedding-3-small", false, 0)));
        }
        int[] completed = new int[1];
        tx.executeWithoutResult(status -> {
            java.util.Set<UUID> stored = embeddings.storeEmbeddedJobs(started);
            List<ClaimedJob> done = started.stream()
                    .filter(job -> stored.contains(job.id()))
                    .map(job -> job.in(EMBEDDINGS_STORED))
                    .toList();
            List<ClaimedJob> completedJobs = jobs.moveAll(done, EMBEDDINGS_STORED, COMPLETE, null, true);
            versions.completed(
                    completedJobs.stream().map(ClaimedJob::documentId).toList());
            completed[0] = completedJobs.size();
        });
        return completed[0];
    }

    private void readDocument(ClaimedJob job) {
        jdbc.queryForList(
                SqlStatements.load("documents/find-document.sql"), new MapSqlParameterSource("id", job.documentId()));
    }

    private List<ClaimedJob> claim(String sql) {
        Matcher placeholder = PROPERTY.matcher(SqlStatements.load(sql));
        StringBuilder named = new StringBuilder();
        MapSqlParameterSource parameters = new MapSqlParameterSource();
        while (placeholder.find()) {
            String name = "p_" + placeholder.group(1).replaceAll("\\W", "_");
            placeholder.appendReplacement(named, ":" + name);
            parameters.addValue(name, claimSettings.get(placeholder.group(1)));
        }
        placeholder.appendTail(named);
        return jdbc.queryForList(named.toString(), parameters).stream()
                .map(ClaimedJob::fromRow)
                .toList();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
