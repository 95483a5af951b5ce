package io.docpipe.search;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.InfoStream;

/** Real Lucene merges in the index's merge threads, and a way to run a test's code inside them. */
final class MergeThreads {

    private MergeThreads() {}

    interface MergeWork {
        void run() throws Exception;
    }

    /** Runs {@code work} on the index's merge threads, as they tell the writer's info stream what they do. */
    static InfoStream onMergeThreads(MergeWork work) {
        return new InfoStream() {
            @Override
            public void message(String component, String message) {
                if (IndexMerges.inMergeThread()) {
                    try {
                        work.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }

            @Override
            public boolean isEnabled(String component) {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    /**
     * Writes {@code segments} one-document segments to {@code directory} and merges them into one, in merge threads of
     * {@code share}, which tell {@code inMerges} what they do.
     */
    static void mergeSegments(Directory directory, IndexWorkShare share, InfoStream inMerges, int segments)
            throws Exception {
        IndexWriterConfig config =
                new IndexWriterConfig().setMergeScheduler(share.merges()).setInfoStream(inMerges);
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (int segment = 0; segment < segments; segment++) {
                Document document = new Document();
                document.add(new StringField("id", Integer.toString(segment), Field.Store.YES));
                writer.addDocument(document);
                writer.flush();
            }
            writer.forceMerge(1);
        }
    }
}
