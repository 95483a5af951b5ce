package io.docpipe.provider;

import java.util.Locale;

/** How an external service is used: the free local stand-in, the real API, or the real API with the stand-in as fallback. */
public enum ServiceMode {
    MOCK,
    REAL,
    HYBRID;

    /**
     * @param variable the environment variable the value came from, named in the error
     */
    public static ServiceMode parse(String value, String variable) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + " must be mock, real or hybrid, was '" + value + "'");
        }
    }

    public boolean usesRealService() {
        return this != MOCK;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
