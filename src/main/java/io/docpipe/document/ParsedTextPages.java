package io.docpipe.document;

import io.docpipe.db.SqlStatements;
import io.docpipe.job.ClaimedJob;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * A document's parsed text in table {@code parsed_text_pages}: ordered pages of at most {@link ParsedText#PAGE_CHARS}
 * characters, written in the parse stage's transaction and read back in order through a {@link Reader}, so that no
 * stage holds a long text whole. Page 0 is written with the job's move to {@code parsed} (parse/store-parsed.sql);
 * this writes the pages after it and reads them all.
 */
public class ParsedTextPages {

    /** Pages a statement writes or a read fetches: a text of one page is one round trip, a long one a few MiB each. */
    static final int PAGES_PER_ROUND_TRIP = 4;

    private final NamedParameterJdbcTemplate jdbc;

    public ParsedTextPages(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Writes pages 1.. of a finished text, a few a statement, while the worker still holds the job; call it in the
     * transaction that then stores page 0 and moves the job, which rolls back if the job was taken over meanwhile.
     * A text of one page writes nothing here.
     *
     * @return the text's pages, the first included
     */
    public int storeLaterPages(ClaimedJob job, ParsedText text) {
        int[] count = {1};
        List<Integer> pages = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        text.laterPages((page, pageText) -> {
            pages.add(page);
            texts.add(pageText);
            count[0]++;
            if (pages.size() == PAGES_PER_ROUND_TRIP) {
                write(job, pages, texts);
            }
        });
        if (!pages.isEmpty()) {
            write(job, pages, texts);
        }
        return count[0];
    }

    private void write(ClaimedJob job, List<Integer> pages, List<String> texts) {
        jdbc.update(
                SqlStatements.load("documents/store-parsed-pages.sql"),
                new MapSqlParameterSource()
                        .addValue("job_id", job.id())
                        .addValue("lease_token", job.leaseToken())
                        .addValue("pages", pages.toArray(Integer[]::new))
                        .addValue("texts", texts.toArray(String[]::new)));
        pages.clear();
        texts.clear();
    }

    /** The document's parsed text from its first page to its last (empty when it has none), read a few pages a time. */
    public Reader reader(UUID documentId) {
        return new PageReader(documentId);
    }

    /** Pages {@code from..} of the document, at most {@link #PAGES_PER_ROUND_TRIP}, in order. */
    private List<String> fetch(UUID documentId, int from) {
        return jdbc.query(
                SqlStatements.load("documents/read-parsed-pages.sql"),
                new MapSqlParameterSource()
                        .addValue("document_id", documentId)
                        .addValue("from_page", from)
                        .addValue("limit", PAGES_PER_ROUND_TRIP),
                (rs, n) -> rs.getString("text"));
    }

    /** Reads the pages in order, holding only the pages of the last round trip. */
    private final class PageReader extends Reader {

        private final UUID documentId;
        private List<String> batch = List.of();
        private int nextPage;
        private int inBatch;
        private int offset;
        private boolean exhausted;

        PageReader(UUID documentId) {
            this.documentId = documentId;
        }

        @Override
        public int read(char[] buffer, int off, int len) {
            if (len == 0) {
                return 0;
            }
            while (inBatch == batch.size() || offset == batch.get(inBatch).length()) {
                if (inBatch < batch.size()) {
                    inBatch++;
                    offset = 0;
                    continue;
                }
                // a short batch was the last one: no need to ask again
                if (exhausted) {
                    return -1;
                }
                batch = fetch(documentId, nextPage);
                nextPage += batch.size();
                exhausted = batch.size() < PAGES_PER_ROUND_TRIP;
                inBatch = 0;
                offset = 0;
                if (batch.isEmpty()) {
                    return -1;
                }
            }
            String page = batch.get(inBatch);
            int n = Math.min(len, page.length() - offset);
            page.getChars(offset, offset + n, buffer, off);
            offset += n;
            return n;
        }

        @Override
        public void close() {
            batch = List.of();
            exhausted = true;
            inBatch = 0;
        }
    }
}
