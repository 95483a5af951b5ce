package io.docpipe.parse;

import static io.docpipe.job.JobStatus.FAILED_PARSE;
import static io.docpipe.job.JobStatus.PARSED;
import static io.docpipe.job.JobStatus.PARSE_QUEUED;
import static io.docpipe.job.JobStatus.UPLOADED;

import io.docpipe.document.DocumentRepository;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.upload.DocumentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The parse stage in mock mode: a free, local stand-in for LlamaParse that extracts the document's text with
 * Apache Tika. A document without text ends in {@code failed_parse}; it would not get better on a retry.
 */
public class MockParseStage {

    private static final Logger LOG = LoggerFactory.getLogger(MockParseStage.class);

    private final JobStateMachine jobs;
    private final DocumentRepository documents;
    private final DocumentStore store;
    private final TextExtractor extractor;
    private final TransactionTemplate tx;

    public MockParseStage(JobStateMachine jobs, DocumentRepository documents, DocumentStore store,
            TextExtractor extractor, TransactionTemplate tx) {
        this.jobs = jobs;
        this.documents = documents;
        this.store = store;
        this.extractor = extractor;
        this.tx = tx;
    }

    public void parse(ClaimedJob job) {
        if (job.status() == UPLOADED && !jobs.advance(job, UPLOADED, PARSE_QUEUED, "parsing locally (mock)").applied()) {
            return;
        }
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        String markdown;
        try {
            markdown = extractor.extractMarkdown(store.resolve(document.storagePath()), document.mediaType());
        } catch (UnsupportedDocumentException | DocumentExtractionException e) {
            jobs.fail(job, PARSE_QUEUED, FAILED_PARSE, e.getMessage(), null);
            return;
        }
        if (markdown.isBlank()) {
            jobs.fail(job, PARSE_QUEUED, FAILED_PARSE, "the document contains no extractable text", null);
            return;
        }
        // nothing is written when another worker finished it first or took it over
        jobs.storeParsed(job, markdown, "mock", null, null, "parsed locally: " + markdown.length() + " characters");
        LOG.debug("parsed document {} ({} characters)", document.id(), markdown.length());
    }
}
