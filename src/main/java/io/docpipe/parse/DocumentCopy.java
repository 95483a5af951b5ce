package io.docpipe.parse;

import io.docpipe.storage.DocumentStorage.LocalCopy;

/**
 * A job's document read from the store for a LlamaParse submission: its local copy, or why the store could not
 * give it; route parse-with-llamaparse fails the job by the second.
 *
 * @param copy    the document as a local file, removed when the exchange ends; null when it could not be read
 * @param failure the store's error ({@code StorageUnavailableException}, {@code StoredFileMissingException})
 */
public record DocumentCopy(LocalCopy copy, RuntimeException failure) {

    public boolean readable() {
        return failure == null;
    }
}
