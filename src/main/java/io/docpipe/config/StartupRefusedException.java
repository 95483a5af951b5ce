package io.docpipe.config;

/**
 * A setting docpipe cannot start with (a missing key, an unknown mode, a port in use); its message names the
 * environment variable to change.
 */
public class StartupRefusedException extends RuntimeException {

    public StartupRefusedException(String message) {
        super(message, null, false, false);
    }
}
