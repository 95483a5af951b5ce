package io.docpipe.storage;

/** The store answered, and the bytes of a stored path are not there: trying again does not bring them back. */
public class StoredFileMissingException extends RuntimeException {

    public StoredFileMissingException(String storagePath) {
        super("the stored file " + storagePath + " is not in the document store", null, false, false);
    }
}
