package io.relink.sandbox.rest;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.sandbox.config.SandboxConfig;
import io.relink.sandbox.service.Account;
import io.relink.sandbox.service.AccountStore;
import io.relink.sandbox.service.FaultInjector;
import io.relink.sandbox.service.HostedAuth;
import io.relink.sandbox.service.HostedAuth.NylasError;
import io.relink.sandbox.service.RequestLog;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The application's account API: {@code /a/{client_id}/accounts...}, Basic auth with the client secret. */
@Path("/a/{clientId}/accounts")
@Produces(MediaType.APPLICATION_JSON)
@NonBlocking
public class AccountsResource {
    private static final int DEFAULT_LIMIT = 100;

    private final SandboxConfig config;
    private final AccountStore accounts;
    private final FaultInjector faults;
    private final HostedAuth hostedAuth;
    private final RequestLog log;
    private final ObjectMapper json;

    public AccountsResource(SandboxConfig config, AccountStore accounts, FaultInjector faults, HostedAuth hostedAuth,
            RequestLog log, ObjectMapper json) {
        this.config = config;
        this.accounts = accounts;
        this.faults = faults;
        this.hostedAuth = hostedAuth;
        this.log = log;
        this.json = json;
    }

    /** A bare JSON array; the last page is the first one shorter than {@code limit}. */
    @GET
    public Response list(@PathParam("clientId") String clientId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("offset") String offsetParam, @QueryParam("limit") String limitParam) throws JsonProcessingException {
        NylasErrors.requireApplication(config, clientId, authorization);
        long offset = number("offset", offsetParam, 0);
        long limit = number("limit", limitParam, DEFAULT_LIMIT);
        if (limit < 1 || limit > config.maxLimit()) {
            throw new NylasError(400, "invalid_request_error", "limit must be between 1 and " + config.maxLimit() + ".");
        }
        long started = System.nanoTime();
        faults.onListing();
        List<Account> page = accounts.page(offset, (int) limit);
        byte[] body = json.writeValueAsBytes(page);
        double micros = (System.nanoTime() - started) / 1000.0;
        log.count("accounts.list");
        // Server-Timing lets a benchmark read the server's own time for the page, without the network.
        return Response.ok(body).header("Server-Timing", String.format(java.util.Locale.ROOT, "app;dur=%.3f", micros / 1000.0)).build();
    }

    @GET
    @Path("/{id}")
    public Account get(@PathParam("clientId") String clientId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("id") String id) {
        NylasErrors.requireApplication(config, clientId, authorization);
        log.count("accounts.get");
        return accounts.byId(id).orElseThrow(() -> notFound(id));
    }

    /** Cancels the account (Nylas keeps it recoverable for 3 days). */
    @POST
    @Path("/{id}/downgrade")
    public Map<String, String> downgrade(@PathParam("clientId") String clientId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        NylasErrors.requireApplication(config, clientId, authorization);
        accounts.update(id, a -> a.withBillingState("cancelled")).orElseThrow(() -> notFound(id));
        hostedAuth.recordDowngrade(id);
        log.count("accounts.downgraded");
        return Map.of("success", "true");
    }

    @POST
    @Path("/{id}/upgrade")
    public Map<String, String> upgrade(@PathParam("clientId") String clientId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        NylasErrors.requireApplication(config, clientId, authorization);
        accounts.update(id, a -> a.withBillingState("paid")).orElseThrow(() -> notFound(id));
        log.count("accounts.upgraded");
        return Map.of("success", "true");
    }

    /** Body empty, or {@code {"keep_access_token": "..."}} to keep one token. */
    @POST
    @Path("/{id}/revoke-all")
    @jakarta.ws.rs.Consumes(MediaType.WILDCARD)
    public Map<String, String> revokeAll(@PathParam("clientId") String clientId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id, String body) {
        NylasErrors.requireApplication(config, clientId, authorization);
        accounts.byId(id).orElseThrow(() -> notFound(id));
        log.count("accounts.revoke-all-requests");
        String keep = null;
        if (body != null && !body.isBlank()) {
            try {
                JsonNode node = json.readTree(body);
                keep = node.hasNonNull("keep_access_token") ? node.get("keep_access_token").asText() : null;
            } catch (JsonProcessingException e) {
                throw new NylasError(400, "invalid_request_error", "The body must be JSON: {\"keep_access_token\": \"...\"}.");
            }
        }
        if (!hostedAuth.revokeAll(id, keep)) {
            throw new NylasError(404, "api_error", "No tokens found for that account id");
        }
        return Map.of("success", "true");
    }

    @DELETE
    @Path("/{id}")
    public Map<String, String> delete(@PathParam("clientId") String clientId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        NylasErrors.requireApplication(config, clientId, authorization);
        if (!accounts.delete(id)) {
            throw notFound(id);
        }
        log.count("accounts.deleted");
        return Map.of("success", "true");
    }

    private static NylasError notFound(String id) {
        return new NylasError(404, "invalid_request_error", "Couldn't find account " + id);
    }

    private static long number(String name, String value, long defaultValue) {
        return QueryNumbers.nonNegative(name, value, defaultValue, message -> new NylasError(400, "invalid_request_error", message));
    }
}
