package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.docpipe.embed.EmbeddingRepository.SearchableChunk;
import io.docpipe.embed.MockEmbedder;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.junit.jupiter.api.Test;

/** The index's files read without being mapped into the process. */
class PageCacheDirectoryTest {

    @Test
    void should_read_vectors_longer_than_its_buffer_from_any_offset_of_files_slices_and_clones() throws Exception {
        float[] first = vector(1536, 1);
        float[] second = vector(1536, 2);
        try (PageCacheDirectory directory = new PageCacheDirectory(Files.createTempDirectory("page-cache-"))) {
            try (IndexOutput out = directory.createOutput("vectors", IOContext.DEFAULT)) {
                out.writeByte((byte) 7); // the vectors start at an odd offset
                for (float[] vector : List.of(first, second)) {
                    for (float x : vector) {
                        out.writeInt(Float.floatToIntBits(x));
                    }
                }
                out.writeInt(42);
            }
            try (IndexInput in = directory.openInput("vectors", IOContext.RANDOM)) {
                IndexInput slice = in.slice("vectors", 1, 2L * 1536 * Float.BYTES);
                IndexInput clone = slice.clone();
                float[] read = new float[1536];

                slice.seek(1536 * Float.BYTES);
                slice.readFloats(read, 0, 1536);
                assertThat(read).containsExactly(second);
                clone.readFloats(read, 0, 1536);
                assertThat(read).containsExactly(first);
                assertThat(in.readByte()).isEqualTo((byte) 7);
                in.seek(1 + 2L * 1536 * Float.BYTES);
                assertThat(in.readInt()).isEqualTo(42);
                assertThatThrownBy(() -> slice.readFloats(read, 0, 1536)).isInstanceOf(EOFException.class);
            }
        }
    }

    @Test
    void should_index_and_search_without_mapping_the_index_files_into_the_process() throws Exception {
        Path root = Files.createTempDirectory("index-");
        MockEmbedder embedder = new MockEmbedder(1536);
        try (SearchIndex index = SearchIndex.open(root, 16, 100, 1, false)) {
            // a buffer of 1 MiB: several segments, each with its graph
            Random random = new Random(1);
            List<String> texts = new ArrayList<>();
            for (long id = 1; id <= 300; id++) {
                String text =
                        random.ints(8, 0, 5000).mapToObj(word -> "w" + word).collect(Collectors.joining(" "));
                texts.add(text);
                index.add(new SearchableChunk(
                        id, UUID.randomUUID(), "f.md", null, 0, text, "mock", "model", false, embedder.embed(text)));
            }
            index.commit("1:1:");
            try (SearchIndex.Searcher searcher = index.acquire()) {
                List<SearchIndex.Ranked> found = searcher.vector(
                        new VectorSpace("mock", "model", 1536), embedder.embed(texts.get(76)), 1, 50, null);
                assertThat(found).extracting(SearchIndex.Ranked::chunkId).containsExactly(77L);
            }
            assertThat(Files.readAllLines(Path.of("/proc/self/maps")))
                    .noneMatch(mapping -> mapping.contains(index.path().toString()));
        }
    }

    private static float[] vector(int dimensions, int seed) {
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = seed * 10_000 + i + 0.5f;
        }
        return vector;
    }
}
