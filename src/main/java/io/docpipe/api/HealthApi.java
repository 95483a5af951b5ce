package io.docpipe.api;

import io.docpipe.http.ApiResponse;
import io.docpipe.provider.ServiceMode;
import io.docpipe.provider.ServiceStats;
import io.docpipe.storage.DocumentStorage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * {@code GET /api/v1/health}: the database and the document store, checked live, and each external service's mode,
 * circuit and recent errors. DOWN without a database; DEGRADED while the document store cannot be reached (uploads
 * and parses wait for it) or a real service's circuit is not closed.
 */
public class HealthApi {

    /** What the report needs to know of one external service. */
    public record ServiceHealth(ServiceMode mode, CircuitBreaker breaker, ServiceStats stats) {}

    private final DataSource dataSource;
    private final Map<String, ServiceHealth> services;
    private final DocumentStorage storage;

    public HealthApi(DataSource dataSource, Map<String, ServiceHealth> services, DocumentStorage storage) {
        this.dataSource = dataSource;
        this.services = services;
        this.storage = storage;
    }

    public ApiResponse health() {
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> database = database();
        report.put("database", database);
        Map<String, Object> store = storage();
        report.put("storage", store);
        boolean degraded = !"UP".equals(store.get("status"));
        for (Map.Entry<String, ServiceHealth> service : services.entrySet()) {
            Map<String, Object> status = service(service.getValue());
            degraded |= !"UP".equals(status.get("status"));
            report.put(service.getKey(), status);
        }
        boolean up = "UP".equals(database.get("status"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", !up ? "DOWN" : degraded ? "DEGRADED" : "UP");
        body.put("services", report);
        return new ApiResponse(up ? 200 : 503, body);
    }

    private Map<String, Object> database() {
        Map<String, Object> result = new LinkedHashMap<>();
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            result.put("status", connection.isValid(2) ? "UP" : "DOWN");
        } catch (Exception e) {
            result.put("status", "DOWN");
            result.put("last_error", e.getClass().getSimpleName());
        }
        result.put("response_ms", (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    private Map<String, Object> storage() {
        DocumentStorage.Health health = storage.check();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("kind", storage.kind());
        result.put("location", storage.location());
        result.put("status", health.up() ? "UP" : "DOWN");
        result.put("response_ms", health.responseMillis());
        result.put("last_error", health.error());
        return result;
    }

    private static Map<String, Object> service(ServiceHealth service) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("mode", service.mode().wireName());
        if (service.mode() == ServiceMode.MOCK) {
            result.put("status", "UP");
            result.put("circuit", "CLOSED");
            result.put("response_ms", 0);
            result.put("error_count", 0);
            result.put("last_error", null);
            return result;
        }
        CircuitBreaker.State state = service.breaker().getState();
        result.put("status", state == CircuitBreaker.State.CLOSED ? "UP" : "DEGRADED");
        result.put("circuit", state.name());
        long lastResponse = service.stats().lastResponseMillis();
        result.put("response_ms", lastResponse < 0 ? null : lastResponse);
        result.put("error_count", service.stats().errorCount());
        result.put("last_error", service.stats().lastError());
        return result;
    }
}
