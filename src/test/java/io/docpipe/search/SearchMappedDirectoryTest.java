package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.InfoStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Searches read the index mapped, merges through the page cache, and a merge read that way loses nothing. */
class SearchMappedDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void should_read_mapped_in_searches_and_through_the_page_cache_in_merges() throws Exception {
        try (SearchMappedDirectory directory = new SearchMappedDirectory(dir)) {
            try (IndexOutput out = directory.createOutput("shared.bin", IOContext.DEFAULT)) {
                for (int i = 0; i < 1000; i++) {
                    out.writeInt(i);
                }
            }
            // opened by a search's thread, then read by merges as Lucene does: through clones and slices
            try (IndexInput shared = directory.openInput("shared.bin", IOContext.READ)) {
                Set<String> mergeReads = ConcurrentHashMap.newKeySet();
                InfoStream inMerges = MergeThreads.onMergeThreads(() -> {
                    IndexInput clone = shared.clone();
                    IndexInput slice = shared.slice("part", 400, 400);
                    mergeReads.add(kind(clone) + "," + kind(slice) + "," + clone.readInt() + "," + slice.readInt());
                });
                MergeThreads.mergeSegments(directory, IndexWorkShare.unlimited(), inMerges, 3);

                assertThat(mergeReads).containsExactly("page cache,page cache,0,100");
                IndexInput clone = shared.clone();
                assertThat(kind(clone)).isEqualTo("mapped");
                assertThat(kind(shared.slice("part", 400, 400))).isEqualTo("mapped");
                clone.seek(4 * 999);
                assertThat(clone.readInt()).isEqualTo(999);
            }
        }
    }

    @Test
    void should_merge_every_vector_and_field_intact_paced_as_it_reads() throws Exception {
        Random random = new Random(7);
        AtomicBoolean askedInMerge = new AtomicBoolean();
        IndexWorkShare share = new IndexWorkShare(
                0,
                () -> {
                    askedInMerge.compareAndSet(false, IndexMerges.inMergeThread());
                    return false;
                },
                10,
                () -> false);
        List<float[]> vectors = new ArrayList<>();
        try (SearchMappedDirectory directory = new SearchMappedDirectory(dir)) {
            IndexWriterConfig config = new IndexWriterConfig()
                    .setCodec(new HighDimensionCodec(16, 100))
                    .setMergeScheduler(share.merges());
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (int segment = 0; segment < 6; segment++) {
                    for (int d = 0; d < 300; d++) {
                        float[] vector = new float[1536];
                        for (int i = 0; i < vector.length; i++) {
                            vector[i] = random.nextFloat() - 0.5f;
                        }
                        vectors.add(vector);
                        Document document = new Document();
                        document.add(new StringField("id", Integer.toString(vectors.size() - 1), Field.Store.YES));
                        document.add(new StoredField("text", "chunk " + (vectors.size() - 1)));
                        document.add(new KnnFloatVectorField("v", vector, VectorSimilarityFunction.EUCLIDEAN));
                        writer.addDocument(document);
                    }
                    writer.flush();
                }
                writer.forceMerge(1);
                writer.commit();
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                assertThat(reader.leaves()).hasSize(1);
                LeafReader leaf = reader.leaves().get(0).reader();
                StoredFields stored = leaf.storedFields();
                FloatVectorValues values = leaf.getFloatVectorValues("v");
                int seen = 0;
                for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                    int id = Integer.parseInt(stored.document(doc).get("id"));
                    assertThat(stored.document(doc).get("text")).isEqualTo("chunk " + id);
                    assertThat(values.vectorValue()).containsExactly(vectors.get(id));
                    seen++;
                }
                assertThat(seen).isEqualTo(vectors.size());
            }
            // its pacer asked whether the processors were busy after its first 100 ms slice of work
            assertThat(askedInMerge).isTrue();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    private static String kind(IndexInput input) {
        return input.getClass().getName().startsWith(PageCacheDirectory.class.getName()) ? "page cache" : "mapped";
    }
}
