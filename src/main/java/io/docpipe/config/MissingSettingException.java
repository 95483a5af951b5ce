package io.docpipe.config;

/** A setting docpipe cannot start without; its message names the environment variable to set. */
public class MissingSettingException extends RuntimeException {

    public MissingSettingException(String message) {
        super(message, null, false, false);
    }
}
