package io.docpipe.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.embed.EmbeddingRepository.SearchableChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch's chunks come back from the spool as they went in, and the spool leaves no file behind. */
class ChunkSpoolTest {

    @TempDir
    Path dir;

    @Test
    void should_give_back_every_chunk_as_written_then_remove_its_file() throws Exception {
        Path file = dir.resolve("0.spool");
        Files.writeString(file, "what a crashed batch left"); // overwritten
        List<SearchableChunk> written = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            float[] vector = new float[1536];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) Math.sin(i * 31 + d) * (d % 7 == 0 ? -1e-30f : 3.5f);
            }
            written.add(new SearchableChunk(
                    1_000_000_000_000L + i,
                    UUID.randomUUID(),
                    "report-" + i + "-ü€😀.pdf",
                    i % 3 == 0 ? null : "s3://bucket/key/" + i,
                    i,
                    "text of chunk " + i + " ".repeat(i) + "∑ ünïcödé\n\u0000end",
                    "openai",
                    "text-embedding-3-small",
                    i % 2 == 0,
                    vector));
        }
        List<SearchableChunk> read = new ArrayList<>();
        try (ChunkSpool spool = ChunkSpool.create(file)) {
            written.forEach(spool::write);
            assertThat(spool.chunks()).isEqualTo(500);
            spool.replay(read::add);
        }
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < written.size(); i++) {
            SearchableChunk in = written.get(i);
            SearchableChunk out = read.get(i);
            assertThat(out).usingRecursiveComparison().ignoringFields("vector").isEqualTo(in);
            assertThat(out.vector()).containsExactly(in.vector());
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void should_give_nothing_back_when_empty() throws Exception {
        List<SearchableChunk> read = new ArrayList<>();
        try (ChunkSpool spool = ChunkSpool.create(dir.resolve("1.spool"))) {
            spool.replay(read::add);
        }
        assertThat(read).isEmpty();
        assertThat(dir.resolve("1.spool")).doesNotExist();
    }
}
