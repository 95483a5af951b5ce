package io.docpipe.api;

import io.docpipe.http.ApiException;
import java.util.UUID;

/** Ids in URL paths: anything that is not a UUID names nothing, so it is a 404 like an unknown id. */
final class PathIds {

    private PathIds() {}

    static UUID parse(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.notFound("no " + what + " " + value);
        }
    }
}
