package io.docpipe.parse;

import static io.docpipe.job.JobStatus.FAILED_PARSE;
import static io.docpipe.job.JobStatus.PARSED;
import static io.docpipe.job.JobStatus.PARSE_QUEUED;
import static io.docpipe.job.JobStatus.UPLOADED;

import io.docpipe.document.DocumentRepository;
import io.docpipe.document.StoredDocument;
import io.docpipe.job.ClaimedJob;
import io.docpipe.job.JobStateMachine;
import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.DocumentStorage.LocalCopy;
import io.docpipe.storage.StorageOutage;
import io.docpipe.storage.StorageUnavailableException;
import io.docpipe.storage.StoredFileMissingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parse stage in mock mode: a free, local stand-in for LlamaParse that extracts the document's text with
 * Apache Tika, reading the document from the store (whichever instance stored it). A document without text ends in
 * {@code failed_parse}; it would not get better on a retry. A store that cannot be reached fails the job until it is
 * back ({@link StorageOutage}).
 */
public class MockParseStage {

    private static final Logger LOG = LoggerFactory.getLogger(MockParseStage.class);

    private final JobStateMachine jobs;
    private final DocumentRepository documents;
    private final DocumentStorage storage;
    private final StorageOutage outage;
    private final TextExtractor extractor;

    public MockParseStage(JobStateMachine jobs, DocumentRepository documents, DocumentStorage storage,
            StorageOutage outage, TextExtractor extractor) {
        this.jobs = jobs;
        this.documents = documents;
        this.storage = storage;
        this.outage = outage;
        this.extractor = extractor;
    }

    public void parse(ClaimedJob job) {
        if (job.status() == UPLOADED && !jobs.advance(job, UPLOADED, PARSE_QUEUED, "parsing locally (mock)").applied()) {
            return;
        }
        StoredDocument document = documents.find(job.documentId()).orElseThrow();
        String markdown;
        try (LocalCopy copy = storage.copy(document.storagePath())) {
            markdown = extractor.extractMarkdown(copy.path(), document.mediaType());
        } catch (StorageUnavailableException | StoredFileMissingException e) {
            outage.failed(job, PARSE_QUEUED, e);
            return;
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
