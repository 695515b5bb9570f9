package io.relink.nylas;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The Nylas v2 endpoints Relink calls, as a Quarkus REST Client. Every method answers the raw response: the
 * status decides what the body is, and {@link NylasClient} reads it. Application endpoints take the Basic
 * authorization of the client secret.
 */
@Produces(MediaType.APPLICATION_JSON)
interface NylasV2Api {
    @GET
    @Path("/a/{clientId}/accounts")
    CompletionStage<Response> accounts(@HeaderParam("Authorization") String authorization, @PathParam("clientId") String clientId,
            @QueryParam("offset") long offset, @QueryParam("limit") int limit);

    @GET
    @Path("/a/{clientId}/accounts/{accountId}")
    Response account(@HeaderParam("Authorization") String authorization, @PathParam("clientId") String clientId,
            @PathParam("accountId") String accountId);

    @POST
    @Path("/oauth/token")
    @Consumes(MediaType.APPLICATION_JSON)
    Response token(Map<String, String> request);

    @POST
    @Path("/connect/authorize")
    @Consumes(MediaType.APPLICATION_JSON)
    Response connectAuthorize(Map<String, Object> request);

    @POST
    @Path("/connect/token")
    @Consumes(MediaType.APPLICATION_JSON)
    Response connectToken(Map<String, String> request);

    @POST
    @Path("/a/{clientId}/accounts/{accountId}/downgrade")
    Response downgrade(@HeaderParam("Authorization") String authorization, @PathParam("clientId") String clientId,
            @PathParam("accountId") String accountId);

    @POST
    @Path("/a/{clientId}/accounts/{accountId}/revoke-all")
    @Consumes(MediaType.APPLICATION_JSON)
    Response revokeAll(@HeaderParam("Authorization") String authorization, @PathParam("clientId") String clientId,
            @PathParam("accountId") String accountId, Map<String, String> request);
}
