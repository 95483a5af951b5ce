package io.docpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.docpipe.testsupport.RunningDocpipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every YAML file in routes/ is loaded by the application and every route in it is started, and every
 * {@code direct:} endpoint it calls has a route behind it: a broken edit fails the build, not the deployment.
 */
class RouteFilesTest {

    private static final Pattern ROUTE_ID = Pattern.compile("^ {4}id: (\\S+)$", Pattern.MULTILINE);
    private static final Pattern DIRECT_CALL = Pattern.compile("\\bto: (direct:[\\w-]+)");

    private static RunningDocpipe app;

    @BeforeAll
    static void start() {
        app = RunningDocpipe.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void should_load_and_start_every_route_of(Path file) throws IOException {
        String yaml = Files.readString(file);
        Set<String> declared = ids(ROUTE_ID.matcher(yaml));
        assertThat(declared).as("route ids in %s", file).isNotEmpty();

        Set<String> loaded = app.context().getRoutes().stream()
                .filter(route -> route.getSourceLocation() != null
                        && route.getSourceLocation().contains(file.getFileName().toString()))
                .map(Route::getRouteId)
                .collect(Collectors.toSet());
        assertThat(loaded).isEqualTo(declared);
        for (String id : declared) {
            assertThat(app.context().getRouteController().getRouteStatus(id))
                    .as(id)
                    .isEqualTo(ServiceStatus.Started);
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void should_only_call_direct_endpoints_that_exist_from(Path file) throws IOException {
        Set<String> consumed = app.context().getRoutes().stream()
                .map(route -> route.getEndpoint().getEndpointUri())
                .filter(uri -> uri.startsWith("direct:"))
                .map(uri -> uri.replace("direct://", "direct:"))
                .collect(Collectors.toSet());
        assertThat(ids(DIRECT_CALL.matcher(Files.readString(file)))).isSubsetOf(consumed);
    }

    private static Set<String> ids(Matcher matcher) {
        return matcher.results().map(result -> result.group(1)).collect(Collectors.toSet());
    }
}
