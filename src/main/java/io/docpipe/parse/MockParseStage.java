package io.docpipe.parse;

import static io.docpipe.job.JobStatus.PARSE_QUEUED;

import io.docpipe.document.DocumentRepository;
import io.docpipe.document.ParsedText;
import io.docpipe.document.ParsedTextPages;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobVariables;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.DocumentStorage.LocalCopy;
import io.docpipe.storage.StorageOutage;
import io.docpipe.storage.StorageUnavailableException;
import io.docpipe.storage.StoredFileMissingException;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The parse stage in mock mode: a free, local stand-in for LlamaParse that extracts the document's text with
 * Apache Tika, reading the document from the store (whichever instance stored it). Route parse-with-mock
 * (routes/parse.yaml) runs the steps: queue the job, parse, then store the text or fail the job. A document without
 * text ends in {@code failed_parse}; it would not get better on a retry. A store that cannot be reached fails the
 * job until it is back ({@link StorageOutage}). The text streams from Tika into a {@link ParsedText} (a page in
 * memory, the rest in a file under the spool directory) and is stored as pages ({@link ParsedTextPages}), so a
 * document of any size is parsed in bounded memory.
 */
public class MockParseStage {

    private static final Logger LOG = LoggerFactory.getLogger(MockParseStage.class);

    private final JobStateMachine jobs;
    private final DocumentRepository documents;
    private final DocumentStorage storage;
    private final StorageOutage outage;
    private final TextExtractor extractor;
    private final ParsedTextPages pages;
    private final TransactionTemplate tx;
    private final Path spoolDir;

    /** @param spoolDir where a text longer than a page waits until it is stored */
    public MockParseStage(
            JobStateMachine jobs,
            DocumentRepository documents,
            DocumentStorage storage,
            StorageOutage outage,
            TextExtractor extractor,
            ParsedTextPages pages,
            TransactionTemplate tx,
            Path spoolDir) {
        this.jobs = jobs;
        this.documents = documents;
        this.storage = storage;
        this.outage = outage;
        this.extractor = extractor;
        this.pages = pages;
        this.tx = tx;
        this.spoolDir = spoolDir;
    }

    /**
     * Reads the document from the store and extracts its text (removed when the exchange ends, if it was spooled to a
     * file); moves nothing.
     */
    public LocalParse parse(@Variable(JobVariables.JOB) ClaimedJob job, Exchange exchange) {
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        ParsedText text = new ParsedText(spoolDir);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                text.close();
            }
        });
        try (LocalCopy copy = storage.copy(document.storagePath())) {
            extractor.extractMarkdown(copy.path(), document.mediaType(), text);
            text.finish();
        } catch (StorageUnavailableException | StoredFileMissingException e) {
            return LocalParse.unreadable(e);
        } catch (UnsupportedDocumentException | DocumentExtractionException e) {
            return LocalParse.failed(e.getMessage());
        }
        // the extractor strips the text: blank is empty
        return text.isEmpty() ? LocalParse.failed("the document contains no extractable text") : LocalParse.of(text);
    }

    /**
     * parse_queued -> parsed with the text's pages, in one transaction; nothing is written when another worker
     * finished it first or took it over. A text of one page (the common case) is one statement.
     */
    public void store(@Variable(JobVariables.JOB) ClaimedJob job, @Body LocalParse parse) {
        ParsedText text = parse.text();
        String detail = "parsed locally: " + text.length() + " characters";
        if (!text.hasMorePages()) {
            jobs.storeParsed(job, text.firstPage(), "mock", null, null, detail);
        } else {
            tx.executeWithoutResult(status -> {
                int pageCount = pages.storeLaterPages(job, text);
                if (!jobs.storeParsed(job, text.firstPage(), pageCount, "mock", null, null, List.of(), detail)) {
                    status.setRollbackOnly(); // taken over meanwhile: the pages written go too
                }
            });
        }
        LOG.debug("parsed document {} ({} characters)", job.documentId(), text.length());
    }

    /**
     * parse_queued -> failed_parse, the document unreadable: while the store cannot be reached without spending an
     * attempt, and retried when it is back; for good when the file is gone ({@link StorageOutage}).
     */
    public void documentUnreadable(@Variable(JobVariables.JOB) ClaimedJob job, @Body LocalParse parse) {
        outage.failed(job, PARSE_QUEUED, parse.storeFailure());
    }
}
