package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.docpipe.embed.EmbeddingRepository.SearchableChunk;
import io.docpipe.embed.MockEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;

/**
 * The Lucene index itself: vectors longer than Lucene's default limit, spaces kept apart, published batches, commits
 * and snapshots.
 */
class SearchIndexTest {

    @Test
    void should_index_and_find_vectors_of_up_to_4096_dimensions() throws Exception {
        try (SearchIndex index = SearchIndex.open(Files.createTempDirectory("index-"), 16, 100, 64)) {
            for (int dimensions : new int[] {1536, 3072, 4096}) {
                MockEmbedder embedder = new MockEmbedder(dimensions);
                index.add(chunk(dimensions, "openai", "tide tables of the harbour", embedder));
                index.add(chunk(dimensions + 1_000_000, "openai", "compilers translate source code", embedder));
            }
            index.commit("10:10:");

            try (SearchIndex.Searcher searcher = index.acquire()) {
                for (int dimensions : new int[] {1536, 3072, 4096}) {
                    VectorSpace space = new VectorSpace("openai", "model", dimensions);
                    List<SearchIndex.Ranked> found =
                            searcher.vector(space, new MockEmbedder(dimensions).embed("harbour tide"), 1, 10, null);
                    assertThat(found).extracting(SearchIndex.Ranked::chunkId).containsExactly((long) dimensions);
                    assertThat(found.get(0).score()).isGreaterThan(0.5f);
                }
                assertThat(searcher.appliedSnapshot()).isEqualTo("10:10:");
            }
        }
    }

    @Test
    void should_need_the_higher_limit_lucene_would_refuse_1536_dimensions_without() throws Exception {
        try (FSDirectory directory = FSDirectory.open(Files.createTempDirectory("plain-"));
                IndexWriter writer =
                        new IndexWriter(directory, new IndexWriterConfig().setCodec(new Lucene912Codec()))) {
            Document document = new Document();
            document.add(new KnnFloatVectorField("v", new float[1536], VectorSimilarityFunction.DOT_PRODUCT));

            assertThatThrownBy(() -> writer.addDocument(document)).hasMessageContaining("1024");
        }
    }

    @Test
    void should_never_compare_vectors_of_another_space_and_show_only_published_changes() throws Exception {
        Path directory = Files.createTempDirectory("index-");
        MockEmbedder embedder = new MockEmbedder(1536);
        try (SearchIndex index = SearchIndex.open(directory, 16, 100, 64)) {
            index.add(chunk(1, "mock", "tide tables of the harbour", embedder));
            index.commit("5:5:");
            index.add(chunk(2, "mock", "tide tables of the harbour again", embedder));

            try (SearchIndex.Searcher searcher = index.acquire()) {
                float[] query = embedder.embed("harbour tide");
                assertThat(searcher.vector(new VectorSpace("openai", "model", 1536), query, 5, 10, null))
                        .isEmpty();
                assertThat(searcher.vector(new VectorSpace("mock", "model", 1536), query, 5, 10, null))
                        .extracting(SearchIndex.Ranked::chunkId)
                        .containsExactly(1L);
                assertThat(searcher.keyword("harbour", 5, Set.of(UUID.randomUUID())))
                        .isEmpty();
            }
        }
        // opened again (the uncommitted chunk is gone; the snapshot stays), and the next instance takes the next slot
        try (SearchIndex again = SearchIndex.open(directory, 16, 100, 64);
                SearchIndex other = SearchIndex.open(directory, 16, 100, 64)) {
            assertThat(again.appliedSnapshot()).isEqualTo("5:5:");
            assertThat(again.path()).isEqualTo(directory.resolve("0"));
            assertThat(other.path()).isEqualTo(directory.resolve("1"));
            assertThat(other.appliedSnapshot()).isNull();
            try (SearchIndex.Searcher searcher = again.acquire()) {
                assertThat(searcher.keyword("harbour tide", 5, null))
                        .extracting(SearchIndex.Ranked::chunkId)
                        .containsExactly(1L);
            }
        }
    }

    @Test
    void should_show_a_published_batch_at_once_and_make_it_durable_at_commit_or_clean_close() throws Exception {
        Path directory = Files.createTempDirectory("index-");
        MockEmbedder embedder = new MockEmbedder(1536);
        try (SearchIndex index = SearchIndex.open(directory, 16, 100, 64)) {
            index.commit("5:5:");
            index.add(chunk(1, "mock", "tide tables of the harbour", embedder));
            index.publish("6:6:");

            try (SearchIndex.Searcher searcher = index.acquire()) {
                assertThat(searcher.appliedSnapshot()).isEqualTo("6:6:");
                assertThat(searcher.keyword("harbour", 5, null))
                        .extracting(SearchIndex.Ranked::chunkId)
                        .containsExactly(1L);
            }
            // a batch that changed no chunk still gives searchers its snapshot
            index.publish("7:7:");
            try (SearchIndex.Searcher searcher = index.acquire()) {
                assertThat(searcher.appliedSnapshot()).isEqualTo("7:7:");
            }
        }
        // closed with everything published: committed
        try (SearchIndex again = SearchIndex.open(directory, 16, 100, 64)) {
            try (SearchIndex.Searcher searcher = again.acquire()) {
                assertThat(searcher.appliedSnapshot()).isEqualTo("7:7:");
                assertThat(searcher.keyword("harbour", 5, null)).hasSize(1);
            }
            again.add(chunk(2, "mock", "tide tables of the harbour again", embedder));
            again.publish("8:8:");
            again.add(chunk(3, "mock", "the harbour a third time", embedder));
            assertThatThrownBy(again::commit).hasMessageContaining("half applied");
        }
        // closed with a half-applied batch: back to the last commit, the rest is applied again from PostgreSQL
        try (SearchIndex third = SearchIndex.open(directory, 16, 100, 64);
                SearchIndex.Searcher searcher = third.acquire()) {
            assertThat(searcher.appliedSnapshot()).isEqualTo("7:7:");
            assertThat(searcher.keyword("harbour", 5, null))
                    .extracting(SearchIndex.Ranked::chunkId)
                    .containsExactly(1L);
        }
    }

    private static SearchableChunk chunk(long id, String provider, String text, MockEmbedder embedder) {
        return new SearchableChunk(
                id,
                UUID.nameUUIDFromBytes(Long.toString(id).getBytes()),
                "f.md",
                null,
                0,
                text,
                provider,
                "model",
                false,
                embedder.embed(text));
    }
}
