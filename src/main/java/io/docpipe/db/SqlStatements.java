package io.docpipe.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads the SQL kept in {@code src/main/resources/sql/**.sql}, once each. */
public final class SqlStatements {

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private SqlStatements() {}

    /** @param path relative to {@code sql/}, e.g. {@code jobs/transition.sql} */
    public static String load(String path) {
        return CACHE.computeIfAbsent(path, SqlStatements::read);
    }

    private static String read(String path) {
        String resource = "sql/" + path;
        try (InputStream in = SqlStatements.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing SQL resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL resource " + resource, e);
        }
    }
}
