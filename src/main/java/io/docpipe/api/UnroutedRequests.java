package io.docpipe.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.docpipe.db.SafeText;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Answers what no route takes on the business port in the contract's JSON error shape instead of the HTTP server's
 * HTML page: 404 for an unknown path, 405 (with {@code Allow}) for a known path with another method, and 503 while
 * docpipe is still starting (its routes are not all there yet). It is the last route of the business router,
 * installed as soon as the HTTP server exists, when the routes begin to start.
 */
public class UnroutedRequests extends EventNotifierSupport implements Handler<RoutingContext> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context;
    private final int port;

    public UnroutedRequests(CamelContext context, int port) {
        this.context = context;
        this.port = port;
    }

    /** Once the HTTP server exists (it starts just before the routes), this becomes its last route. */
    @Override
    public void notify(CamelEvent event) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new IllegalStateException("the business HTTP server on port " + port + " has no router");
        }
        router.route().last().handler(this);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextRoutesStartingEvent;
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
            reply(request, 404, "not_found", "no such resource: " + request.request().method() + " "
                    + SafeText.line(path, 200), null);
        } else if (allowed.contains(request.request().method().name()) || allowed.contains("*")) {
            // the route exists but is stopped (being reloaded, say)
            reply(request, 503, "unavailable", "this resource is not available right now; try again shortly", null);
        } else {
            reply(request, 405, "method_not_allowed", request.request().method() + " is not allowed on "
                    + SafeText.line(path, 200)
                    + "; allowed: " + String.join(", ", allowed), String.join(", ", allowed));
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
            body = JSON.writeValueAsString(JsonResponseWriter.error(status, code, message).body());
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
