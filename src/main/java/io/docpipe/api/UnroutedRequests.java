package io.docpipe.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.db.SafeText;
import io.vertx.core.Handler;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;

/**
 * Answers what no route takes on the business port in the contract's JSON error shape instead of the HTTP server's
 * HTML page: 404 for an unknown path, 405 (with {@code Allow}) for a known path with another method, 503 while
 * docpipe is still starting (its routes are not all there yet), and what the HTTP server refuses itself (400, 413).
 * It is the last route of the business router, installed right after the HTTP server starts, before the routes
 * start; until docpipe has started, {@link #answerWhileStarting}'s guard answers every request before it gets here.
 */
public class UnroutedRequests implements Handler<RoutingContext>, StartupListener, Ordered {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context;
    private final int port;

    public UnroutedRequests(CamelContext context, int port) {
        this.context = context;
        this.port = port;
    }

    /**
     * Makes the business HTTP server answer 503 in JSON until docpipe has started, from the moment it listens: its
     * router's first handler, installed while the router is built, before the server accepts a connection. Camel's
     * HTTP server takes handlers at that moment only as authentication handlers, so this one is registered as one
     * (for every path; it lets every request through once docpipe runs). Call before the context starts.
     */
    public void answerWhileStarting(MainHttpServer server) {
        AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry();
        entry.setPath("/*");
        entry.setAuthenticationProviderFactory(vertx -> null);
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                return request -> {
                    if (context.isStarted()) {
                        request.next();
                    } else {
                        reply(request, 503, "starting", "docpipe is starting; try again in a few seconds", null);
                    }
                };
            }
        });
        AuthenticationConfig authentication = server.getConfiguration().getAuthenticationConfig();
        authentication.getEntries().add(entry);
        authentication.setEnabled(true);
    }

    /**
     * Runs right after the startup listener that starts the HTTP server (camel's own, added first; this one has the
     * same order and is sorted after it), before the routes start: from here on this is the router's last route.
     */
    @Override
    public void onCamelContextStarting(CamelContext starting, boolean alreadyStarted) {
        VertxPlatformHttpRouter router =
                VertxPlatformHttpRouter.lookup(starting, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new IllegalStateException("the business HTTP server on port " + port + " has no router");
        }
        router.route().last().handler(this);
        // what the HTTP server itself refuses (a malformed multipart body, a body over the size limit) is answered in
        // the same JSON shape as the routes' own errors
        router.route().failureHandler(this::failed);
    }

    @Override
    public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
        // installed while starting
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST;
    }

    private void failed(RoutingContext request) {
        if (request.response().headWritten()) {
            return;
        }
        int status = request.statusCode() >= 400 ? request.statusCode() : 500;
        switch (status) {
            case 400 ->
                reply(request, 400, "bad_request", "the request could not be read (malformed HTTP or multipart)", null);
            case 413 -> reply(request, 413, "payload_too_large", "the request body is over the size limit", null);
            default ->
                reply(
                        request,
                        status,
                        status >= 500 ? "internal_error" : "bad_request",
                        status >= 500
                                ? "the request could not be processed; see the service log"
                                : "the request was refused",
                        null);
        }
    }

    @Override
    public void handle(RoutingContext request) {
        if (!context.isStarted()) {
            reply(request, 503, "starting", "docpipe is starting; try again in a few seconds", null);
            return;
        }
        String path = request.normalizedPath();
        Set<String> allowed = new TreeSet<>();
        boolean known = false;
        for (HttpEndpointModel endpoint : endpoints()) {
            if (template(endpoint.getUri()).matcher(path).matches()) {
                known = true;
                if (endpoint.getVerbs() == null || endpoint.getVerbs().isBlank()) {
                    allowed.add("*");
                } else {
                    allowed.addAll(List.of(endpoint.getVerbs().split(",")));
                }
            }
        }
        if (!known) {
            reply(
                    request,
                    404,
                    "not_found",
                    "no such resource: " + request.request().method() + " " + SafeText.line(path, 200),
                    null);
        } else if (allowed.contains(request.request().method().name()) || allowed.contains("*")) {
            // the route exists but is stopped (being reloaded, say)
            reply(request, 503, "unavailable", "this resource is not available right now; try again shortly", null);
        } else {
            reply(
                    request,
                    405,
                    "method_not_allowed",
                    request.request().method() + " is not allowed on "
                            + SafeText.line(path, 200)
                            + "; allowed: " + String.join(", ", allowed),
                    String.join(", ", allowed));
        }
    }

    private List<HttpEndpointModel> endpoints() {
        PlatformHttpComponent component = context.getComponent("platform-http", PlatformHttpComponent.class);
        return component == null ? List.of() : new ArrayList<>(component.getHttpEndpoints());
    }

    /** A route path such as {@code /api/v1/jobs/{job_id}} as a pattern of the paths it takes. */
    static Pattern template(String uri) {
        String path = uri.replaceAll("\\?.*", "");
        StringBuilder regex = new StringBuilder();
        for (String part : path.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static void reply(RoutingContext request, int status, String code, String message, String allow) {
        String body;
        try {
            body = JSON.writeValueAsString(
                    JsonResponseWriter.error(status, code, message).body());
        } catch (JsonProcessingException e) {
            body = "{\"error\":{\"code\":\"" + code + "\",\"message\":\"\"}}";
        }
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        if (allow != null) {
            request.response().putHeader("Allow", allow);
        }
        if (status == 503) {
            request.response().putHeader("Retry-After", "2");
        }
        request.response().end(body);
    }
}
