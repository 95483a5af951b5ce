package io.docpipe.bench;

import io.docpipe.chunk.Chunk;
import io.docpipe.db.Database;
import io.docpipe.embed.MockEmbedder;
import io.docpipe.testsupport.DocpipeProcess;
import io.docpipe.testsupport.TestPostgres;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * docpipe's mock pipeline against the floor of the database work it must do, in one run on one embedded PostgreSQL.
 * <ol>
 * <li>docpipe is started as the user starts it: its own JVM ({@code -Xmx256m}), its embedded PostgreSQL with the
 * settings it runs with (durable: {@code fsync} and {@code synchronous_commit} on), the sweeps on their shipped
 * schedules. N Markdown documents of 5 to 20 chunks each are uploaded over HTTP from 8 clients; it prints documents
 * per second, upload-to-complete latency p50/p99 (from each job's own events) and the process's peak resident
 * memory.</li>
 * <li>The floor ({@link DatabaseFloor}): the same per-document writes by plain JDBC from 8 threads, in a fresh
 * database of the same server, with the texts and chunks docpipe made.</li>
 * </ol>
 * Settings: {@code -Dbench.documents} (1000), {@code -Dbench.clients} (8), {@code -Dbench.heap} (256m),
 * {@code -Dbench.min-chunks} / {@code -Dbench.max-chunks} (5 / 20), {@code -Dbench.jvm-options} (more options for
 * docpipe's JVM, a profiler say), {@code -Dbench.statements=true} (the server loads pg_stat_statements: the statements
 * docpipe and the floor ran per document, and their transactions, are printed).
 */
public final class PipelineBenchmark {

    private static final String[] WORDS = ("pipeline vector chunk document token embedding search index parse upload "
                    + "lease claim worker batch request limit budget ledger webhook signature provider model dimension query "
                    + "recall latency throughput memory postgres camel route stage sweep retry failure state machine event "
                    + "correlation cluster instance durable commit transaction storage bucket object stream page text word")
            .split(" ");

    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        int documents = Integer.getInteger("bench.documents", 1000);
        int clients = Integer.getInteger("bench.clients", 8);
        String heap = System.getProperty("bench.heap", "256m");
        int minChunks = Integer.getInteger("bench.min-chunks", 5);
        int maxChunks = Integer.getInteger("bench.max-chunks", 20);
        List<byte[]> corpus = corpus(documents, minChunks, maxChunks, 1);

        Path dataDir = Files.createTempDirectory("docpipe-bench-");
        boolean statements = Boolean.getBoolean("bench.statements");
        if (statements) {
            StatementCounts.preload(dataDir.resolve("postgres"));
        }
        Map<String, String> properties = new HashMap<>(shippedSweeps());
        properties.put("docpipe.database.pool-size", "16"); // the service's default
        // -Dbench.follow-index=false: the pipeline alone, without this instance indexing what completes for search
        boolean followIndex = Boolean.parseBoolean(System.getProperty("bench.follow-index", "true"));
        properties.put("docpipe.search.follow-enabled", String.valueOf(followIndex));
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        // e.g. -Dbench.jvm-options=-XX:StartFlightRecording=filename=/tmp/docpipe.jfr,settings=profile
        jvm.addAll(List.of(System.getProperty("bench.jvm-options", "").split(" ")).stream()
                .filter(o -> !o.isBlank())
                .toList());
        try (DocpipeProcess docpipe = DocpipeProcess.startEmbedded(dataDir, properties, jvm)) {
            String jdbcUrl = jdbcUrl(dataDir, "postgres");
            JdbcTemplate sql = new JdbcTemplate(TestPostgres.dataSource(jdbcUrl));
            warmUp(docpipe, sql);
            int before = count(sql);
            StatementCounts docpipeStatements = statements ? StatementCounts.reset(sql) : null;

            // RSS splits into anonymous memory (heap, native) and mapped files (the jar, the search index's files,
            // which the kernel can drop at will); no peak is kept of either, so they are sampled
            long[] peakAnonAndFile = new long[2];
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(
                    () -> {
                        try {
                            peakAnonAndFile[0] = Math.max(peakAnonAndFile[0], docpipe.statusBytes("RssAnon"));
                            peakAnonAndFile[1] = Math.max(peakAnonAndFile[1], docpipe.statusBytes("RssFile"));
                        } catch (IOException e) {
                            // the process ended: nothing more to sample
                        }
                    },
                    0,
                    250,
                    TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            upload(docpipe.baseUri(), corpus, clients);
            double uploadSeconds = (System.nanoTime() - start) / 1e9;
            Awaitility.await()
                    .atMost(Duration.ofHours(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> count(sql) - before == documents);
            double seconds = (System.nanoTime() - start) / 1e9;
            String docpipeCounts = statements ? docpipeStatements.report("postgres", documents) : "";
            long peakRssAtComplete = docpipe.peakRssBytes();
            if (followIndex) {
                Awaitility.await()
                        .atMost(Duration.ofHours(2))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> indexLag(docpipe.baseUri()) == 0);
            }
            double searchableSeconds = (System.nanoTime() - start) / 1e9;
            long peakRss = docpipe.peakRssBytes();
            sampler.shutdownNow();
            double[] latency = latencies(sql);

            List<DatabaseFloor.Document> floorDocuments = madeBy(sql, corpus);
            StatementCounts floorStatements = statements ? StatementCounts.reset(sql) : null;
            double floor = floor(dataDir, floorDocuments, clients);
            String floorCounts = statements ? floorStatements.report("floor", documents) : "";
            Map<String, Object> settings = sql.queryForMap("SELECT current_setting('fsync') AS fsync, "
                    + "current_setting('synchronous_commit') AS synchronous_commit");

            long chunks = sql.queryForObject("SELECT count(*) FROM chunks", Long.class);
            System.out.printf("%n=== docpipe mock pipeline against its database floor ===%n");
            System.out.printf(
                    "documents              %d, %d to %d chunks each (%d chunks), %d upload clients%n",
                    documents, minChunks, maxChunks, chunks, clients);
            System.out.printf(
                    "database               embedded PostgreSQL, fsync=%s, synchronous_commit=%s%n",
                    settings.get("fsync"), settings.get("synchronous_commit"));
            System.out.printf(
                    "uploads                %.1f s (%.1f uploads/s)%n", uploadSeconds, documents / uploadSeconds);
            System.out.printf(
                    "docpipe                %.1f documents/s (all complete after %.1f s), JVM -Xmx%s%n",
                    documents / seconds, seconds, heap);
            System.out.printf(
                    "search index           %s%n",
                    followIndex
                            ? String.format(
                                    "every chunk searchable after %.1f s (this instance indexes what completes)",
                                    searchableSeconds)
                            : "not followed (-Dbench.follow-index=false): the pipeline alone");
            System.out.printf("floor (plain JDBC)     %.1f documents/s, %d threads, same writes%n", floor, clients);
            System.out.printf("ratio                  %.2f%n", documents / seconds / floor);
            System.out.printf("upload-to-complete     p50 %.0f ms, p99 %.0f ms%n", latency[0], latency[1]);
            System.out.printf(
                    "peak RSS (docpipe)     %d MiB (%d MiB when all were complete); sampled peaks: anonymous %d MiB,"
                            + " mapped files %d MiB%n",
                    peakRss / (1024 * 1024),
                    peakRssAtComplete / (1024 * 1024),
                    peakAnonAndFile[0] / (1024 * 1024),
                    peakAnonAndFile[1] / (1024 * 1024));
            if (statements) {
                System.out.printf("%n--- statements per document: docpipe ---%n%s", docpipeCounts);
                System.out.printf("%n--- statements per document: floor ---%n%s", floorCounts);
            }
        }
    }

    /** Markdown documents of random words, each long enough for {@code min} to {@code max} chunks of 512 tokens. */
    static List<byte[]> corpus(int documents, int minChunks, int maxChunks, long seed) {
        Random random = new Random(seed);
        List<byte[]> corpus = new ArrayList<>(documents);
        for (int d = 0; d < documents; d++) {
            int chunks = minChunks + random.nextInt(maxChunks - minChunks + 1);
            StringBuilder text = new StringBuilder("# Benchmark document ")
                    .append(d)
                    .append(' ')
                    .append(UUID.randomUUID());
            // about 60 tokens a paragraph, seven paragraphs a chunk
            for (int p = 0; p < chunks * 7; p++) {
                text.append("\n\n");
                for (int w = 0; w < 45; w++) {
                    text.append(WORDS[random.nextInt(WORDS.length)]).append(w == 44 ? '.' : ' ');
                }
            }
            corpus.add(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        return corpus;
    }

    private static void warmUp(DocpipeProcess docpipe, JdbcTemplate sql) throws Exception {
        upload(docpipe.baseUri(), corpus(50, 1, 3, 99), 4);
        Awaitility.await()
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> count(sql) == 50);
    }

    /** The embeddings the instance's search index has not applied yet, as its search answers say. */
    private static long indexLag(URI baseUri) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(baseUri.resolve("/api/v1/search"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"query\":\"pipeline\",\"mode\":\"keyword\",\"k\":1}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(answer.body())
                .path("index_lag")
                .asLong(-1);
    }

    private static void upload(URI baseUri, List<byte[]> corpus, int clients) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> uploads = new ArrayList<>();
            for (byte[] document : corpus) {
                uploads.add(pool.submit(() -> {
                    String boundary = "bench-" + UUID.randomUUID();
                    byte[] head = ("--" + boundary
                                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.md\""
                                    + "\r\nContent-Type: text/markdown\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8);
                    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
                    return http.send(
                                    HttpRequest.newBuilder(baseUri.resolve("/api/v1/documents"))
                                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                            .POST(HttpRequest.BodyPublishers.ofByteArrays(
                                                    List.of(head, document, tail)))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                }));
            }
            for (Future<Integer> upload : uploads) {
                if (upload.get() != 202) {
                    throw new IllegalStateException("an upload was answered " + upload.get());
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private static int count(JdbcTemplate sql) {
        return sql.queryForObject("SELECT count(*) FROM jobs WHERE status = 'complete'", Integer.class);
    }

    /** p50 and p99 upload-to-complete, from each job's own events (the database's clock). */
    private static double[] latencies(JdbcTemplate sql) {
        double[] sorted = sql.queryForList("""
                SELECT EXTRACT(EPOCH FROM (done.at - created.at)) * 1000
                  FROM job_events created
                  JOIN job_events done ON done.job_id = created.job_id AND done.to_status = 'complete'
                 WHERE created.from_status IS NULL
                """, Double.class).stream()
                .mapToDouble(Double::doubleValue)
                .sorted()
                .toArray();
        return new double[] {percentile(sorted, 50), percentile(sorted, 99)};
    }

    /** What docpipe made of each document of the corpus: its text and chunks, for the floor to write again. */
    private static List<DatabaseFloor.Document> madeBy(JdbcTemplate sql, List<byte[]> corpus) throws Exception {
        Map<String, DatabaseFloor.Document> bySha = new LinkedHashMap<>();
        Map<String, List<Chunk>> chunks = new HashMap<>();
        sql.query(
                "SELECT d.sha256, c.ordinal, c.text, c.token_count FROM chunks c JOIN documents d ON d.id = c.document_id "
                        + "ORDER BY d.sha256, c.ordinal",
                rs -> {
                    chunks.computeIfAbsent(rs.getString(1), sha -> new ArrayList<>())
                            .add(new Chunk(rs.getInt(2), rs.getString(3), rs.getInt(4)));
                });
        // the benchmark's documents are short: one page of parsed text each
        sql.query(
                "SELECT d.sha256, p.text FROM documents d JOIN parsed_text_pages p ON p.document_id = d.id AND p.page = 0",
                rs -> {
                    bySha.put(
                            rs.getString(1),
                            new DatabaseFloor.Document(null, rs.getString(2), chunks.get(rs.getString(1))));
                });
        List<DatabaseFloor.Document> documents = new ArrayList<>(corpus.size());
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        for (byte[] bytes : corpus) {
            DatabaseFloor.Document made = bySha.get(java.util.HexFormat.of().formatHex(digest.digest(bytes)));
            documents.add(new DatabaseFloor.Document(bytes, made.parsedText(), made.chunks()));
        }
        return documents;
    }

    private static double floor(Path dataDir, List<DatabaseFloor.Document> documents, int threads) throws Exception {
        try (Connection connection =
                        TestPostgres.dataSource(jdbcUrl(dataDir, "postgres")).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE floor");
        }
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(jdbcUrl(dataDir, "floor"));
        config.setUsername("postgres");
        config.setMaximumPoolSize(threads * 2);
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            Database.migrate(pool);
            float[] vector = new MockEmbedder(1536).embed("the floor's vector");
            // docpipe's claim sizes and the inputs one embeddings request takes at 512 tokens a chunk
            return new DatabaseFloor(pool, 8, 8, 64, 300_000 / 512).run(documents, threads, vector);
        }
    }

    /** The embedded server's address, from the pid file it writes (line 4: the port). */
    static String jdbcUrl(Path dataDir, String database) {
        try {
            List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
            return "jdbc:postgresql://localhost:" + pid.get(3).trim() + "/" + database;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sweeps on their shipped schedules (tests run them every second). */
    static Map<String, String> shippedSweeps() {
        Properties shipped = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> sweeps = new HashMap<>();
        shipped.stringPropertyNames().stream()
                .filter(key -> key.startsWith("docpipe.sweeps.") && key.endsWith(".cron"))
                .forEach(key -> sweeps.put(key, shipped.getProperty(key)));
        return sweeps;
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
