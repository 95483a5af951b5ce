package io.docpipe.observe;

import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Camel health check ({@code /observe/health}): docpipe is neither live nor ready without its database. */
public class DatabaseHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;

    public DatabaseHealthCheck(DataSource dataSource) {
        super("docpipe", "database");
        this.dataSource = dataSource;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(2)) {
                builder.up();
            } else {
                builder.down().message("the database connection is not valid");
            }
        } catch (Exception e) {
            builder.down()
                    .message("the database cannot be reached: " + e.getClass().getSimpleName());
        }
        builder.detail("response_ms", (System.nanoTime() - start) / 1_000_000);
    }
}
