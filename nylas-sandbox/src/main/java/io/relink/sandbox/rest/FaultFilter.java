package io.relink.sandbox.rest;

import java.time.Duration;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.relink.sandbox.service.FaultInjector;
import io.relink.sandbox.service.FaultInjector.Fault;
import io.relink.sandbox.service.FaultInjector.NotReady;
import io.relink.sandbox.service.FaultInjector.RateLimited;
import io.relink.sandbox.service.FaultInjector.ServerError;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * Latency and faults for the Nylas API ({@code /a/...} and {@code /oauth/token}), never for the sign-in page
 * or the sandbox's own endpoints. Latency is a timer, not a sleeping thread, so many slow requests run at once.
 */
public class FaultFilter {
    private final FaultInjector faults;

    public FaultFilter(FaultInjector faults) {
        this.faults = faults;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> inject(ContainerRequestContext context, HttpServerRequest request) {
        String path = context.getUriInfo().getPath();
        if (!isApi(path)) {
            return Uni.createFrom().nullItem();
        }
        boolean v3 = path.startsWith("/v3/");
        Response response = faults.next().map(fault -> respond(fault, request, v3)).orElse(null);
        long latency = faults.settings().latencyMillis();
        Uni<Response> answer = Uni.createFrom().item(response);
        return latency > 0 ? answer.onItem().delayIt().by(Duration.ofMillis(latency)) : answer;
    }

    /** The Nylas API proper, v2 or v3: what faults and latency apply to (not the pages a browser is sent through). */
    static boolean isApi(String path) {
        return isV2Api(path) || path.startsWith("/v3/") && !path.equals("/v3/connect/auth") && !path.equals("/v3/connect/callback");
    }

    /** The v2 API, whose calls pin {@code Nylas-API-Version}. */
    static boolean isV2Api(String path) {
        return path.startsWith("/a/") || path.equals("/oauth/token") || path.startsWith("/connect/");
    }

    private static Response respond(Fault fault, HttpServerRequest request, boolean v3) {
        if (fault instanceof RateLimited r) {
            Response error = v3 ? V3Errors.envelope(429, "rate_limit_error", "Too many requests.")
                    : NylasErrors.response(429, "api_error", "Too many requests.");
            return Response.status(429)
                    .header("X-RateLimit-Limit", r.limit())
                    .header("X-RateLimit-Reset", r.resetSeconds())
                    .entity(error.getEntity())
                    .type("application/json").build();
        }
        if (fault instanceof ServerError e) {
            return v3 ? V3Errors.envelope(e.status(), "api_error", "The server had an error; try again.")
                    : NylasErrors.response(e.status(), "server_error", "The server had an error; try again.");
        }
        if (fault instanceof NotReady) {
            return v3 ? V3Errors.envelope(503, "api_error", "Not ready yet; retry.")
                    : NylasErrors.response(202, "api_error", "Not ready yet; retry with exponential backoff.");
        }
        // DropConnection: the client sees the connection close with no answer at all.
        request.connection().close();
        return Response.status(500).build();
    }
}
