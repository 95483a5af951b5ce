package io.docpipe.storage;

/**
 * The document store cannot be reached or refused the request for a reason that may pass (a network failure, a
 * bucket that is not there, denied access): worth trying again later. The message says why, for people; it never
 * holds a secret.
 */
public class StorageUnavailableException extends RuntimeException {

    private final boolean credentialsRefused;

    /** @param credentialsRefused the store does not take the configured access key or secret */
    public StorageUnavailableException(String message, boolean credentialsRefused, Throwable cause) {
        super(message, cause);
        this.credentialsRefused = credentialsRefused;
    }

    public boolean credentialsRefused() {
        return credentialsRefused;
    }
}
