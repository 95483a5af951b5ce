package io.docpipe.search;

import io.docpipe.embed.EmbeddingRepository.SearchableChunk;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's search index: a projection of the searchable chunks in PostgreSQL (the truth), kept with Apache
 * Lucene on local disk. Each chunk is one Lucene document: its text for BM25, its vector in the HNSW field of its
 * {@link VectorSpace}, and what a hit shows. The follower ({@link SearchIndexFollower}) publishes each fully applied
 * batch with the PostgreSQL snapshot whose changes it applied: searchers (near-real-time readers of the writer) see
 * published batches only, so a search never sees half of a change. Publishing writes a small segment but syncs
 * nothing; {@link #commit()} makes the published state durable, far less often. After a crash the index opens at its
 * last durable commit and the follower applies again every change that commit's snapshot does not see (a change is
 * applied by replacing its document's chunks, so applying one twice gives the same index).
 *
 * <p>Every running instance needs an index of its own, even when instances share the data directory: the index
 * lives in the first numbered directory under {@code root} whose lock no other running instance holds. An index
 * that cannot be read is emptied; the follower then rebuilds it from PostgreSQL.
 */
public final class SearchIndex implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(SearchIndex.class);

    static final String CHUNK_ID = "chunk_id";
    /** The chunk id again, as a number for ranking ties (read without loading the stored fields). */
    static final String CHUNK_ORDER = "chunk_order";

    static final String DOCUMENT_ID = "document_id";
    static final String FILENAME = "filename";
    static final String SOURCE_ID = "source_id";
    static final String ORDINAL = "ordinal";
    static final String TEXT = "text";
    static final String PROVIDER = "provider";
    static final String MODEL = "model";
    static final String FALLBACK = "fallback";
    /** Commit user data: the PostgreSQL snapshot ({@code pg_snapshot} text) whose changes were applied. */
    private static final String APPLIED_SNAPSHOT = "docpipe.applied_snapshot";
    /** Commit user data: the layout of the index's documents; an index of another layout is rebuilt. */
    private static final String LAYOUT = "docpipe.layout";

    private static final String CURRENT_LAYOUT = "1";

    /** A chunk ranked by one search of one commit: its Lucene document, its chunk id, its score. */
    public record Ranked(int doc, long chunkId, float score) {}

    /** One chunk found, with its score. */
    public record Hit(
            long chunkId,
            UUID documentId,
            String filename,
            String sourceId,
            int ordinal,
            String text,
            String provider,
            String model,
            boolean fallback,
            float score) {}

    private final Path path;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Analyzer analyzer;
    /** Changes added or deleted since the last {@link #publish}: a half-applied batch, never published or committed. */
    private volatile boolean unpublished;

    private SearchIndex(Path path, Directory directory, IndexWriter writer, Analyzer analyzer) throws IOException {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.analyzer = analyzer;
        // near-real-time readers of the writer; only publish() refreshes them, after it set the snapshot applied
        this.searchers = new SearcherManager(writer, new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) {
                return new Searcher(reader, appliedSnapshot());
            }
        });
    }

    /**
     * Opens the index, its files mapped for searches, in the first directory {@code root/0}, {@code root/1}, ... that no
     * other running instance holds, creating it when missing and emptying it when unreadable or of another layout.
     *
     * @param maxConnections HNSW neighbours per node; {@code beamWidth}: HNSW candidates while inserting
     * @param ramBufferMb    indexing memory before a segment is written
     */
    public static SearchIndex open(Path root, int maxConnections, int beamWidth, double ramBufferMb) {
        return open(root, maxConnections, beamWidth, ramBufferMb, true);
    }

    /**
     * As {@link #open(Path, int, int, double)}; {@code mapFiles}: searches read the index's files mapped into the
     * process ({@link SearchMappedDirectory}: faster vector search, but every page searches touch counts in the
     * process's resident memory; merges read through the page cache), else every read goes through the page cache
     * ({@link PageCacheDirectory}).
     */
    public static SearchIndex open(Path root, int maxConnections, int beamWidth, double ramBufferMb, boolean mapFiles) {
        return open(root, maxConnections, beamWidth, ramBufferMb, mapFiles, IndexWorkShare.unlimited());
    }

    /**
     * As {@link #open(Path, int, int, double, boolean)}; {@code share}: how much of the machine Lucene's merges take
     * beside ingestion.
     */
    public static SearchIndex open(
            Path root, int maxConnections, int beamWidth, double ramBufferMb, boolean mapFiles, IndexWorkShare share) {
        for (int slot = 0; ; slot++) {
            Path path = root.resolve(Integer.toString(slot));
            try {
                Files.createDirectories(path);
                Directory directory = mapFiles ? new SearchMappedDirectory(path) : new PageCacheDirectory(path);
                return openIn(path, directory, new HighDimensionCodec(maxConnections, beamWidth), ramBufferMb, share);
            } catch (LockObtainFailedException taken) {
                LOG.debug("search index {} is held by another running instance", path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the search index in " + path, e);
            }
        }
    }

    private static SearchIndex openIn(
            Path path, Directory directory, HighDimensionCodec codec, double ramBufferMb, IndexWorkShare share)
            throws IOException {
        Analyzer analyzer = new StandardAnalyzer();
        if (DirectoryReader.indexExists(directory)) {
            IndexWriter writer = null;
            try {
                writer = new IndexWriter(
                        directory, config(codec, analyzer, ramBufferMb, share, IndexWriterConfig.OpenMode.APPEND));
                String layout = commitData(writer).get(LAYOUT);
                if (!CURRENT_LAYOUT.equals(layout)) {
                    throw new IOException("its documents have another layout (" + layout + ")");
                }
                return new SearchIndex(path, directory, writer, analyzer);
            } catch (LockObtainFailedException taken) {
                directory.close();
                throw taken;
            } catch (IOException | RuntimeException unreadable) {
                LOG.warn(
                        "search index {} cannot be used ({}); it is rebuilt from PostgreSQL",
                        path,
                        unreadable.toString());
                if (writer != null) {
                    writer.rollback();
                }
                empty(directory);
            }
        }
        IndexWriter writer = new IndexWriter(
                directory, config(codec, analyzer, ramBufferMb, share, IndexWriterConfig.OpenMode.CREATE));
        writer.setLiveCommitData(Map.of(LAYOUT, CURRENT_LAYOUT).entrySet());
        writer.commit();
        return new SearchIndex(path, directory, writer, analyzer);
    }

    /** Removes every file of an index that cannot be read (even a new writer reads the last commit), under its lock. */
    private static void empty(Directory directory) throws IOException {
        try (Lock lock = directory.obtainLock(IndexWriter.WRITE_LOCK_NAME)) {
            for (String file : directory.listAll()) {
                if (!file.equals(IndexWriter.WRITE_LOCK_NAME)) {
                    directory.deleteFile(file);
                }
            }
        }
    }

    private static IndexWriterConfig config(
            HighDimensionCodec codec,
            Analyzer analyzer,
            double ramBufferMb,
            IndexWorkShare share,
            IndexWriterConfig.OpenMode mode) {
        return new IndexWriterConfig(analyzer)
                .setCodec(codec)
                .setMergeScheduler(share.merges())
                .setOpenMode(mode)
                .setRAMBufferSizeMB(ramBufferMb)
                .setCommitOnClose(false);
    }

    private static Map<String, String> commitData(IndexWriter writer) {
        Map<String, String> data = new java.util.HashMap<>();
        Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
        if (live != null) {
            live.forEach(entry -> data.put(entry.getKey(), entry.getValue()));
        }
        return data;
    }

    public Path path() {
        return path;
    }

    /** The PostgreSQL snapshot whose changes the last {@link #publish} applied; null before the first build. */
    public String appliedSnapshot() {
        return commitData(writer).get(APPLIED_SNAPSHOT);
    }

    /** Removes every chunk (a rebuild); seen by searches when published. */
    public void deleteAll() throws IOException {
        unpublished = true;
        writer.deleteAll();
    }

    /** Removes a document's chunks; seen by searches when published. */
    public void delete(UUID documentId) throws IOException {
        unpublished = true;
        writer.deleteDocuments(new Term(DOCUMENT_ID, documentId.toString()));
    }

    /** Adds a chunk; seen by searches when published. */
    public void add(SearchableChunk chunk) throws IOException {
        unpublished = true;
        Document document = new Document();
        document.add(new StringField(CHUNK_ID, Long.toString(chunk.chunkId()), Field.Store.YES));
        document.add(new NumericDocValuesField(CHUNK_ORDER, chunk.chunkId()));
        document.add(new StringField(DOCUMENT_ID, chunk.documentId().toString(), Field.Store.YES));
        document.add(new StoredField(FILENAME, chunk.filename()));
        if (chunk.sourceId() != null) {
            document.add(new StoredField(SOURCE_ID, chunk.sourceId()));
        }
        document.add(new StoredField(ORDINAL, chunk.ordinal()));
        document.add(new TextField(TEXT, chunk.text(), Field.Store.YES));
        document.add(new StoredField(PROVIDER, chunk.provider()));
        document.add(new StoredField(MODEL, chunk.model()));
        document.add(new StoredField(FALLBACK, chunk.fallback() ? 1 : 0));
        float[] unit = unitLength(chunk.vector());
        if (unit != null) {
            VectorSpace space = new VectorSpace(chunk.provider(), chunk.model(), unit.length);
            document.add(new KnnFloatVectorField(space.fieldName(), unit, VectorSimilarityFunction.DOT_PRODUCT));
        }
        writer.addDocument(document);
    }

    /**
     * Makes every change since the last publish searchable at once, recording the snapshot applied; not durable until
     * the next {@link #commit()}. Called by the index's only writer, so a searcher never sees half of a batch.
     */
    public void publish(String appliedSnapshot) throws IOException {
        // a new version of the commit data: even a batch that changed no chunk gives searchers its snapshot
        writer.setLiveCommitData(Map.of(APPLIED_SNAPSHOT, appliedSnapshot, LAYOUT, CURRENT_LAYOUT)
                .entrySet());
        unpublished = false;
        searchers.maybeRefreshBlocking();
    }

    /** Makes the published state durable (fsync); a batch being applied is never committed. */
    public void commit() throws IOException {
        if (unpublished) {
            throw new IllegalStateException("a batch is half applied; publish it before committing");
        }
        writer.commit();
    }

    /** Publishes and commits at once. */
    public void commit(String appliedSnapshot) throws IOException {
        publish(appliedSnapshot);
        commit();
    }

    /** The searcher of the latest published batch; close it when done. */
    public Searcher acquire() throws IOException {
        return (Searcher) searchers.acquire();
    }

    @Override
    public void close() throws IOException {
        searchers.close();
        if (!unpublished) {
            writer.commit(); // what was published, so the next start need not apply it again
        }
        writer.rollback(); // a half-applied batch is applied again from PostgreSQL next time
        directory.close();
    }

    /** Vectors are compared by dot product, so they are stored at unit length; an all-zero vector has no direction. */
    static float[] unitLength(float[] vector) {
        double sumOfSquares = 0;
        for (float x : vector) {
            sumOfSquares += (double) x * x;
        }
        if (sumOfSquares == 0 || !Double.isFinite(sumOfSquares)) {
            return null;
        }
        double norm = Math.sqrt(sumOfSquares);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }

    /** One published state of the index, searched by one request. */
    public final class Searcher extends IndexSearcher implements AutoCloseable {

        private final String appliedSnapshot;

        private Searcher(IndexReader reader, String appliedSnapshot) {
            super(reader);
            this.appliedSnapshot = appliedSnapshot;
        }

        /** The PostgreSQL snapshot whose changes this state applied; null before the first build. */
        public String appliedSnapshot() {
            return appliedSnapshot;
        }

        /** BM25 over the chunks' text: every word of the query may match; the best {@code n} chunks. */
        public List<Ranked> keyword(String query, int n, Set<UUID> documentIds) throws IOException {
            Set<String> terms = terms(query);
            if (terms.isEmpty()) {
                return List.of();
            }
            BooleanQuery.Builder words = new BooleanQuery.Builder();
            terms.stream()
                    .limit(IndexSearcher.getMaxClauseCount())
                    .forEach(term -> words.add(new TermQuery(new Term(TEXT, term)), Occur.SHOULD));
            return ranked(search(filtered(words.build(), documentIds), n).scoreDocs, false);
        }

        /**
         * The {@code n} chunks nearest to the vector in its space by the HNSW graph, which looks at {@code candidates}
         * (at least {@code n}) of them; scores are cosine similarities.
         */
        public List<Ranked> vector(VectorSpace space, float[] vector, int n, int candidates, Set<UUID> documentIds)
                throws IOException {
            float[] unit = unitLength(vector);
            if (unit == null) {
                return List.of();
            }
            int breadth = Math.max(n, candidates);
            Query nearest = new KnnFloatVectorQuery(space.fieldName(), unit, breadth, filter(documentIds));
            List<Ranked> ranked = ranked(search(nearest, breadth).scoreDocs, true);
            return ranked.subList(0, Math.min(n, ranked.size()));
        }

        /** The chunks as a search answers them, with the scores they were ranked by. */
        public List<Hit> hits(List<Ranked> ranked) throws IOException {
            StoredFields stored = storedFields();
            List<Hit> hits = new ArrayList<>(ranked.size());
            for (Ranked chunk : ranked) {
                Document d = stored.document(chunk.doc());
                hits.add(new Hit(
                        chunk.chunkId(),
                        UUID.fromString(d.get(DOCUMENT_ID)),
                        d.get(FILENAME),
                        d.get(SOURCE_ID),
                        d.getField(ORDINAL).numericValue().intValue(),
                        d.get(TEXT),
                        d.get(PROVIDER),
                        d.get(MODEL),
                        d.getField(FALLBACK).numericValue().intValue() == 1,
                        chunk.score()));
            }
            return hits;
        }

        /** How many chunks of the document this state holds. */
        public int entriesOf(UUID documentId) throws IOException {
            return count(new TermQuery(new Term(DOCUMENT_ID, documentId.toString())));
        }

        @Override
        public void close() throws IOException {
            searchers.release(this);
        }

        private Query filtered(Query query, Set<UUID> documentIds) {
            Query filter = filter(documentIds);
            return filter == null
                    ? query
                    : new BooleanQuery.Builder()
                            .add(query, Occur.MUST)
                            .add(filter, Occur.FILTER)
                            .build();
        }

        private List<Ranked> ranked(ScoreDoc[] found, boolean cosine) throws IOException {
            List<LeafReaderContext> leaves = getIndexReader().leaves();
            List<Ranked> ranked = new ArrayList<>(found.length);
            for (ScoreDoc scoreDoc : found) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(scoreDoc.doc, leaves));
                NumericDocValues chunkIds = DocValues.getNumeric(leaf.reader(), CHUNK_ORDER);
                long chunkId = chunkIds.advanceExact(scoreDoc.doc - leaf.docBase) ? chunkIds.longValue() : -1;
                // Lucene scores a dot product d as (1 + d) / 2
                ranked.add(new Ranked(scoreDoc.doc, chunkId, cosine ? 2 * scoreDoc.score - 1 : scoreDoc.score));
            }
            return ranked;
        }
    }

    private static Query filter(Set<UUID> documentIds) {
        if (documentIds == null || documentIds.isEmpty()) {
            return null;
        }
        Collection<BytesRef> ids =
                documentIds.stream().map(id -> new BytesRef(id.toString())).toList();
        return new TermInSetQuery(DOCUMENT_ID, ids);
    }

    /** The query's words as the index analysed the chunks' text. */
    private Set<String> terms(String query) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream(TEXT, query)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        }
        return terms;
    }
}
