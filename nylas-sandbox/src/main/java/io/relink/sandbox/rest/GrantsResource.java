package io.relink.sandbox.rest;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.sandbox.config.SandboxConfig;
import io.relink.sandbox.service.ConnectV3;
import io.relink.sandbox.service.ConnectV3.ApiError;
import io.relink.sandbox.service.FaultInjector;
import io.relink.sandbox.service.Grants;
import io.relink.sandbox.service.Grants.Grant;
import io.relink.sandbox.service.RequestLog;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * v3's grants: {@code GET /v3/grants} ({@code provider}, {@code grant_status}, {@code limit} default 10,
 * {@code offset}, {@code sort_by} {@code created_at}|{@code updated_at}, {@code order_by} default {@code desc}: newest
 * first), {@code GET} and {@code DELETE /v3/grants/{id}}. The API key as bearer.
 */
@Path("/v3/grants")
@Produces(MediaType.APPLICATION_JSON)
@NonBlocking
public class GrantsResource {
    private static final int DEFAULT_LIMIT = 10;
    private static final Set<String> CONNECTORS = Set.of("google", "microsoft", "imap", "icloud", "yahoo", "ews", "virtual-calendar", "zoom");

    private final SandboxConfig config;
    private final Grants grants;
    private final ConnectV3 connect;
    private final FaultInjector faults;
    private final RequestLog log;
    private final ObjectMapper json;

    public GrantsResource(SandboxConfig config, Grants grants, ConnectV3 connect, FaultInjector faults, RequestLog log, ObjectMapper json) {
        this.config = config;
        this.grants = grants;
        this.connect = connect;
        this.faults = faults;
        this.log = log;
        this.json = json;
    }

    @GET
    public Response list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("provider") String provider,
            @QueryParam("grant_status") String grantStatus, @QueryParam("limit") String limitParam, @QueryParam("offset") String offsetParam,
            @QueryParam("sort_by") String sortBy, @QueryParam("order_by") String orderBy) throws Exception {
        V3Errors.requireApiKey(config, authorization);
        long limit = number("limit", limitParam, DEFAULT_LIMIT);
        long offset = number("offset", offsetParam, 0);
        if (limit < 1 || limit > config.maxLimit()) {
            throw new ApiError(400, "invalid_request_error", "limit must be between 1 and " + config.maxLimit() + ".");
        }
        if (provider != null && !CONNECTORS.contains(provider)) {
            throw new ApiError(400, "invalid_request_error", "provider is not a connector: " + provider + ".");
        }
        if (grantStatus != null && !Set.of("valid", "invalid").contains(grantStatus)) {
            throw new ApiError(400, "invalid_request_error", "grant_status must be valid or invalid.");
        }
        if (sortBy != null && !Set.of("created_at", "updated_at").contains(sortBy)) {
            throw new ApiError(400, "invalid_request_error", "sort_by must be created_at or updated_at.");
        }
        if (orderBy != null && !Set.of("asc", "desc").contains(orderBy)) {
            throw new ApiError(400, "invalid_request_error", "order_by must be asc or desc.");
        }
        long started = System.nanoTime();
        faults.onListing();
        // Grants are updated when created here, so both sort keys give the same order.
        List<Grant> page = grants.page(provider, grantStatus, offset, (int) limit, !"asc".equals(orderBy));
        byte[] body = json.writeValueAsBytes(V3Errors.data(page));
        log.count("v3.grants.list");
        double millis = (System.nanoTime() - started) / 1_000_000.0;
        return Response.ok(body).header("Server-Timing", String.format(java.util.Locale.ROOT, "app;dur=%.3f", millis)).build();
    }

    @GET
    @Path("/{id}")
    public Map<String, Object> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        V3Errors.requireApiKey(config, authorization);
        log.count("v3.grants.get");
        return V3Errors.data(grants.byId(id).orElseThrow(() -> notFound(id)));
    }

    /** Disconnects the grant for good; Nylas answers the request id alone. */
    @DELETE
    @Path("/{id}")
    public Map<String, Object> delete(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        V3Errors.requireApiKey(config, authorization);
        if (!connect.delete(id)) {
            throw notFound(id);
        }
        return Map.of("request_id", V3Errors.requestId());
    }

    private static ApiError notFound(String id) {
        return new ApiError(404, "not_found_error", "grant not found: " + id);
    }

    private static long number(String name, String value, long defaultValue) {
        return QueryNumbers.nonNegative(name, value, defaultValue, message -> new ApiError(400, "invalid_request_error", message));
    }
}
