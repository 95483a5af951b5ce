package io.docpipe.parse;

/** A document of a supported type whose text could not be read, e.g. a corrupt or encrypted file. */
public class DocumentExtractionException extends RuntimeException {

    public DocumentExtractionException(String message, Throwable cause) {
        super(message, cause);
    }
}
