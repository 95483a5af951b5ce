package io.docpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.docpipe.chunk.Chunk;
import io.docpipe.chunk.ChunkRepository;
import io.docpipe.db.SqlStatements;
import io.docpipe.document.DocumentRepository;
import io.docpipe.document.SearchChangeLog;
import io.docpipe.document.StoredDocument;
import io.docpipe.embed.EmbeddedBatch;
import io.docpipe.embed.EmbeddingRepository;
import io.docpipe.embed.MockEmbedder;
import io.docpipe.embed.PendingBatch;
import io.docpipe.embed.PendingBatch.PendingChunk;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStatus;
import io.docpipe.testsupport.RunningDocpipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Search at scale: a real instance on its embedded PostgreSQL gets {@code bench.search.chunks} (100,000) complete
 * chunks with 1536-dimension mock vectors, written through the repositories the pipeline uses; its index is then
 * built by the service's own follower (route rebuild-search-index) into one segment, and it is searched over HTTP
 * from {@code bench.clients} (4) clients in each mode, once per {@code bench.search.candidates} setting (100, 200,
 * 400; the instance is restarted on the same index). Prints the indexing rate, p50/p99 latency per mode, and the
 * vector search's recall@10 against an exact scan of every vector.
 *
 * <p>The chunks are text about topics ({@link Corpus}), embedded by the mock (lexical hashed features), so keyword,
 * vector and hybrid search all have something to find; queries are a few consecutive words of random chunks and one
 * general word.
 */
public final class SearchBenchmark {

    private static final int DIMENSIONS = 1536;
    private static final String MODEL = "text-embedding-3-small";
    private static final int CHUNKS_PER_DOCUMENT = 10;
    private static final int WORDS_PER_CHUNK = 120;
    private static final int VOCABULARY = 30_000;
    private static final int TOPICS = 1_000;
    private static final int TOPIC_WORDS = 400;
    /** Share of a chunk's words that are its topic's own (the rest are general words). */
    private static final double TOPIC_SHARE = 0.6;

    private SearchBenchmark() {}

    public static void main(String[] args) throws Exception {
        int chunkCount = Integer.getInteger("bench.search.chunks", 100_000);
        int clients = Integer.getInteger("bench.clients", 4);
        int queriesPerMode = Integer.getInteger("bench.search.queries", 800);
        int recallQueries = Integer.getInteger("bench.search.recall-queries", 200);
        List<String> candidateSettings = List.of(
                System.getProperty("bench.search.candidates", "100,200,400").split(","));
        // one segment for the whole build: the fastest to search (the service's default buffer is 256 MiB)
        String ramBufferMb = System.getProperty("bench.search.ram-buffer-mb", "1024");
        // -Dbench.search.reuse=<data dir of an earlier run>: search what that run built, without writing or building
        String reuse = System.getProperty("bench.search.reuse", "");
        Path dataDir = reuse.isEmpty() ? Files.createTempDirectory("docpipe-search-bench-") : Path.of(reuse);
        Map<String, String> properties = new java.util.HashMap<>(PipelineBenchmark.shippedSweeps());
        properties.put("docpipe.search.index-ram-buffer-mb", ramBufferMb);
        String beamWidth = System.getProperty("bench.search.beam-width", "");
        if (!beamWidth.isEmpty()) {
            properties.put("docpipe.search.hnsw.beam-width", beamWidth);
        }
        List<String> texts = generate(new Corpus(new Random(42)), chunkCount);
        int indexed = chunkCount;
        double writeSeconds = 0;
        double buildSeconds = 0;
        String hnsw = "";
        if (reuse.isEmpty()) {
            try (RunningDocpipe app = RunningDocpipe.startEmbedded(dataDir, properties)) {
                app.context().getRouteController().stopRoute("follow-search-index");
                hnsw = "M="
                        + app.context()
                                .getPropertiesComponent()
                                .resolveProperty("docpipe.search.hnsw.max-connections")
                                .orElseThrow()
                        + " beam "
                        + app.context()
                                .getPropertiesComponent()
                                .resolveProperty("docpipe.search.hnsw.beam-width")
                                .orElseThrow();
                long writing = System.nanoTime();
                write(app, texts);
                writeSeconds = (System.nanoTime() - writing) / 1e9;
                long building = System.nanoTime();
                indexed = app.context()
                        .createProducerTemplate()
                        .requestBody("direct:rebuild-search-index", null, Integer.class);
                buildSeconds = (System.nanoTime() - building) / 1e9;
            }
        }
        long segments;
        try (var files = Files.list(dataDir.resolve("index/0"))) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".si"))
                    .count();
        }
        Random random = new Random(7);
        Corpus general = new Corpus(new Random(11));
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < Math.max(queriesPerMode, recallQueries); i++) {
            queries.add(queryFrom(texts.get(random.nextInt(texts.size())), general, random));
        }
        System.out.printf("%n=== docpipe search benchmark ===%n");
        System.out.printf(
                "corpus                 %d chunks of %d words (%d topics), %d-dimension mock vectors, %d documents; %s%n",
                indexed, WORDS_PER_CHUNK, TOPICS, DIMENSIONS, chunkCount / CHUNKS_PER_DOCUMENT, dataDir);
        if (reuse.isEmpty()) {
            System.out.printf(
                    "written to PostgreSQL  %.1f s (%.0f chunks/s, through the repositories)%n",
                    writeSeconds, chunkCount / writeSeconds);
            System.out.printf(
                    "index built            %.1f s: %.0f chunks/s (read from PostgreSQL, HNSW %s + BM25),"
                            + " %d segment(s) with a %s MiB buffer%n",
                    buildSeconds, indexed / buildSeconds, hnsw, segments, ramBufferMb);
        }
        for (String candidates : candidateSettings) {
            properties.put("docpipe.search.candidates", candidates.trim());
            try (RunningDocpipe app = RunningDocpipe.startEmbedded(dataDir, properties)) {
                System.out.printf("-- docpipe.search.candidates = %s, %d clients%n", candidates.trim(), clients);
                for (String mode : List.of("keyword", "vector", "hybrid")) {
                    latency(app, mode, queries.subList(0, queriesPerMode), clients);
                }
                recall(app, queries.subList(0, recallQueries));
            }
        }
    }

    /** The chunks' texts, document after document, each document about one topic. */
    private static List<String> generate(Corpus corpus, int chunkCount) {
        List<String> texts = new ArrayList<>(chunkCount);
        for (int d = 0; d < chunkCount / CHUNKS_PER_DOCUMENT; d++) {
            int topic = corpus.topic();
            for (int c = 0; c < CHUNKS_PER_DOCUMENT; c++) {
                texts.add(corpus.chunk(topic, WORDS_PER_CHUNK));
            }
        }
        return texts;
    }

    /** Complete documents with chunks and vectors, and their search changes, a transaction per 50 documents. */
    private static void write(RunningDocpipe app, List<String> texts) {
        DataSource dataSource = app.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        DocumentRepository documents = new DocumentRepository(jdbc);
        ChunkRepository chunks = new ChunkRepository(jdbc, "benchmark");
        EmbeddingRepository embeddings = new EmbeddingRepository(jdbc, "benchmark");
        SearchChangeLog changes = new SearchChangeLog(jdbc);
        MockEmbedder embedder = new MockEmbedder(DIMENSIONS);
        int documentCount = texts.size() / CHUNKS_PER_DOCUMENT;
        for (int first = 0; first < documentCount; first += 50) {
            int last = Math.min(documentCount, first + 50);
            int from = first;
            tx.executeWithoutResult(status -> {
                for (int d = from; d < last; d++) {
                    UUID id = UUID.randomUUID();
                    documents.insert(new StoredDocument(
                            id,
                            String.format("%064x", d),
                            "bench-" + d + ".md",
                            "text/markdown",
                            1000,
                            "documents/none",
                            null,
                            null,
                            false));
                    UUID job = UUID.randomUUID();
                    jdbc.update(
                            SqlStatements.load("jobs/insert-job.sql"),
                            new MapSqlParameterSource()
                                    .addValue("job_id", job)
                                    .addValue("document_id", id)
                                    .addValue("correlation_id", job.toString())
                                    .addValue("detail", "benchmark")
                                    .addValue("actor", "benchmark"));
                    // chunks are stored as the chunk stage stores them: by the job's holder, moving it on
                    jdbc.update(
                            "UPDATE jobs SET status = 'chunking', lease_token = 1 WHERE id = :id", Map.of("id", job));
                    List<Chunk> pieces = new ArrayList<>();
                    for (int c = 0; c < CHUNKS_PER_DOCUMENT; c++) {
                        pieces.add(new Chunk(c, texts.get(d * CHUNKS_PER_DOCUMENT + c), WORDS_PER_CHUNK));
                    }
                    chunks.store(new ClaimedJob(job, id, job.toString(), JobStatus.CHUNKING, 1L), pieces);
                    jdbc.update(
                            "UPDATE jobs SET status = 'complete', lease_token = NULL WHERE id = :id",
                            Map.of("id", job));
                    List<Long> ids = jdbc.queryForList(
                            "SELECT id FROM chunks WHERE document_id = :id ORDER BY ordinal",
                            Map.of("id", id),
                            Long.class);
                    List<PendingChunk> pending = new ArrayList<>();
                    for (int c = 0; c < ids.size(); c++) {
                        pending.add(
                                new PendingChunk(ids.get(c), null, pieces.get(c).text(), 0));
                    }
                    PendingBatch batch = new PendingBatch(pending, 0);
                    embeddings.insert(
                            new EmbeddedBatch(batch, embedder.embedAll(batch.texts()), "mock", MODEL, false, 0));
                    changes.documentChanged(id);
                }
            });
        }
    }

    /** A few words of a chunk, and a word from elsewhere: what a person looking for that passage might type. */
    private static String queryFrom(String text, Corpus corpus, Random random) {
        String[] chunkWords = text.split(" ");
        StringBuilder query = new StringBuilder();
        int start = random.nextInt(chunkWords.length - 8);
        for (int i = 0; i < 4 + random.nextInt(4); i++) {
            query.append(chunkWords[start + i]).append(' ');
        }
        return query.append(corpus.generalWord()).toString();
    }

    private static void latency(RunningDocpipe app, String mode, List<String> queries, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (String query : queries.subList(0, Math.min(100, queries.size()))) {
                search(app, query, mode, 10); // warm-up
            }
            long started = System.nanoTime();
            List<Future<Double>> timings = new ArrayList<>();
            for (String query : queries) {
                timings.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    search(app, query, mode, 10);
                    return (System.nanoTime() - start) / 1e6;
                }));
            }
            double[] millis = new double[timings.size()];
            for (int i = 0; i < millis.length; i++) {
                millis[i] = timings.get(i).get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Arrays.sort(millis);
            System.out.printf(
                    "%-8s k=10           p50 %5.1f ms, p99 %5.1f ms, max %5.1f ms; %d queries from %d clients, %.0f queries/s%n",
                    mode,
                    percentile(millis, 50),
                    percentile(millis, 99),
                    millis[millis.length - 1],
                    millis.length,
                    clients,
                    millis.length / seconds);
        } finally {
            pool.shutdown();
        }
    }

    /** recall@10: the share of the exact 10 nearest chunks (a scan of every vector) that vector search returned. */
    private static void recall(RunningDocpipe app, List<String> queries) {
        DataSource dataSource = app.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        EmbeddingRepository embeddings =
                new EmbeddingRepository(new NamedParameterJdbcTemplate(dataSource), "benchmark");
        List<String> keys = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        new TransactionTemplate(new DataSourceTransactionManager(dataSource))
                .executeWithoutResult(status -> embeddings.streamSearchable(chunk -> {
                    keys.add(chunk.documentId() + "#" + chunk.ordinal());
                    vectors.add(chunk.vector());
                }));
        MockEmbedder embedder = new MockEmbedder(DIMENSIONS);
        long scanning = System.nanoTime();
        List<Set<String>> exact = queries.parallelStream()
                .map(query -> {
                    float[] q = embedder.embed(query);
                    PriorityQueue<Map.Entry<Double, Integer>> nearest = new PriorityQueue<>(Map.Entry.comparingByKey());
                    for (int i = 0; i < vectors.size(); i++) {
                        double similarity = dot(q, vectors.get(i));
                        if (nearest.size() < 10) {
                            nearest.add(Map.entry(similarity, i));
                        } else if (similarity > nearest.peek().getKey()) {
                            nearest.poll();
                            nearest.add(Map.entry(similarity, i));
                        }
                    }
                    return nearest.stream()
                            .map(entry -> keys.get(entry.getValue()))
                            .collect(Collectors.toSet());
                })
                .toList();
        double scanMillis = (System.nanoTime() - scanning) / 1e6 / queries.size();
        int found = 0;
        for (int i = 0; i < queries.size(); i++) {
            Set<String> approximate = new HashSet<>();
            for (JsonNode hit : search(app, queries.get(i), "vector", 10).path("hits")) {
                approximate.add(hit.path("document_id").asText() + "#"
                        + hit.path("ordinal").asInt());
            }
            approximate.retainAll(exact.get(i));
            found += approximate.size();
        }
        System.out.printf(
                "recall@10 (vector)     %.3f over %d queries, against an exact scan of %d vectors (%.0f ms a query)%n",
                found / (10.0 * queries.size()), queries.size(), vectors.size(), scanMillis);
    }

    private static JsonNode search(RunningDocpipe app, String query, String mode, int k) {
        RunningDocpipe.Response response = app.postJson(
                "/api/v1/search", "{\"query\":\"" + query + "\",\"mode\":\"" + mode + "\",\"k\":" + k + "}");
        if (response.status() != 200) {
            throw new IllegalStateException("search answered " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /**
     * Text with topics, as a document collection has: a document is about one topic, and its chunks mix that topic's
     * own words with general ones, each drawn by frequency as in prose (the r-th most common about 1 / r as often as
     * the first).
     */
    private static final class Corpus {

        private final double[] general = cumulativeZipf(VOCABULARY);
        private final double[] topical = cumulativeZipf(TOPIC_WORDS);
        private final Random random;

        Corpus(Random random) {
            this.random = random;
        }

        synchronized int topic() {
            return random.nextInt(TOPICS);
        }

        synchronized String chunk(int topic, int length) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                text.append(i == 0 ? "" : " ")
                        .append(
                                random.nextDouble() < TOPIC_SHARE
                                        ? word(VOCABULARY + topic * TOPIC_WORDS + draw(topical))
                                        : word(draw(general)));
            }
            return text.toString();
        }

        synchronized String generalWord() {
            return word(draw(general));
        }

        private int draw(double[] cumulative) {
            int rank = Arrays.binarySearch(cumulative, random.nextDouble());
            return rank < 0 ? -rank - 1 : rank;
        }

        private static double[] cumulativeZipf(int words) {
            double[] cumulative = new double[words];
            double sum = 0;
            for (int r = 0; r < words; r++) {
                sum += 1.0 / (r + 1);
                cumulative[r] = sum;
            }
            for (int r = 0; r < words; r++) {
                cumulative[r] /= sum;
            }
            return cumulative;
        }

        /** A pronounceable word for a number: consonant-vowel pairs. */
        private static String word(int number) {
            String consonants = "bcdfghjklmnprstvz";
            String vowels = "aeiou";
            StringBuilder word = new StringBuilder();
            int n = number + 1;
            while (n > 0) {
                word.append(consonants.charAt(n % consonants.length()));
                n /= consonants.length();
                word.append(vowels.charAt(n % vowels.length()));
                n /= vowels.length();
            }
            return word.toString();
        }
    }
}
