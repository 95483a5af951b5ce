package io.docpipe.api;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

/** {@code GET /api/v1/health}: the database, checked live, and each external service's mode. */
public class HealthApi {

    private final DataSource dataSource;
    private final Map<String, String> serviceModes;

    /** @param serviceModes service name to mode, e.g. llamaparse to mock */
    public HealthApi(DataSource dataSource, Map<String, String> serviceModes) {
        this.dataSource = dataSource;
        this.serviceModes = serviceModes;
    }

    public ApiResponse health() {
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Object> database = database();
        services.put("database", database);
        serviceModes.forEach((name, mode) -> services.put(name, mockService(mode)));
        boolean up = "UP".equals(database.get("status"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("services", services);
        return new ApiResponse(up ? 200 : 503, body);
    }

    private Map<String, Object> database() {
        Map<String, Object> result = new LinkedHashMap<>();
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            boolean valid = connection.isValid(2);
            result.put("status", valid ? "UP" : "DOWN");
        } catch (Exception e) {
            result.put("status", "DOWN");
            result.put("last_error", e.getClass().getSimpleName());
        }
        result.put("response_ms", (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    private static Map<String, Object> mockService(String mode) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("mode", mode);
        result.put("status", "UP");
        result.put("circuit", "CLOSED");
        result.put("response_ms", 0);
        result.put("error_count", 0);
        result.put("last_error", null);
        return result;
    }
}
