package io.docpipe.parse;

import static io.docpipe.job.JobStatus.PARSE_QUEUED;

import io.docpipe.document.DocumentRepository;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.job.JobVariables;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.DocumentStorage.LocalCopy;
import io.docpipe.storage.StorageOutage;
import io.docpipe.storage.StorageUnavailableException;
import io.docpipe.storage.StoredFileMissingException;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parse stage in mock mode: a free, local stand-in for LlamaParse that extracts the document's text with
 * Apache Tika, reading the document from the store (whichever instance stored it). Route parse-with-mock
 * (routes/parse.yaml) runs the steps: queue the job, parse, then store the text or fail the job. A document without
 * text ends in {@code failed_parse}; it would not get better on a retry. A store that cannot be reached fails the
 * job until it is back ({@link StorageOutage}).
 */
public class MockParseStage {

    private static final Logger LOG = LoggerFactory.getLogger(MockParseStage.class);

    private final JobStateMachine jobs;
    private final DocumentRepository documents;
    private final DocumentStorage storage;
    private final StorageOutage outage;
    private final TextExtractor extractor;

    public MockParseStage(
            JobStateMachine jobs,
            DocumentRepository documents,
            DocumentStorage storage,
            StorageOutage outage,
            TextExtractor extractor) {
        this.jobs = jobs;
        this.documents = documents;
        this.storage = storage;
        this.outage = outage;
        this.extractor = extractor;
    }

    /** Reads the document from the store and extracts its text; moves nothing. */
    public LocalParse parse(@Variable(JobVariables.JOB) ClaimedJob job) {
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        String markdown;
        try (LocalCopy copy = storage.copy(document.storagePath())) {
            markdown = extractor.extractMarkdown(copy.path(), document.mediaType());
        } catch (StorageUnavailableException | StoredFileMissingException e) {
            return LocalParse.unreadable(e);
        } catch (UnsupportedDocumentException | DocumentExtractionException e) {
            return LocalParse.failed(e.getMessage());
        }
        return markdown.isBlank()
                ? LocalParse.failed("the document contains no extractable text")
                : LocalParse.of(markdown);
    }

    /** parse_queued -> parsed with the text, in one statement; nothing is written when another worker finished it first or took it over. */
    public void store(@Variable(JobVariables.JOB) ClaimedJob job, @Body LocalParse parse) {
        String markdown = parse.markdown();
        jobs.storeParsed(job, markdown, "mock", null, null, "parsed locally: " + markdown.length() + " characters");
        LOG.debug("parsed document {} ({} characters)", job.documentId(), markdown.length());
    }

    /**
     * parse_queued -> failed_parse, the document unreadable: while the store cannot be reached without spending an
     * attempt, and retried when it is back; for good when the file is gone ({@link StorageOutage}).
     */
    public void documentUnreadable(@Variable(JobVariables.JOB) ClaimedJob job, @Body LocalParse parse) {
        outage.failed(job, PARSE_QUEUED, parse.storeFailure());
    }
}
