package io.relink.nylas;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
 * The Nylas v3 endpoints Relink calls, as a Quarkus REST Client. Every method answers the raw response, which
 * {@link NylasClient} reads. Grant endpoints and {@code /v3/connect/custom} take the API key as a bearer token;
 * {@code /v3/connect/token} takes it as {@code client_secret} in the body, as nylas-java 2.x sends it.
 */
@Produces(MediaType.APPLICATION_JSON)
interface NylasV3Api {
    /** A null query parameter is left out: {@code provider} only when the scan follows one connector. */
    @GET
    @Path("/v3/grants")
    CompletionStage<Response> grants(@HeaderParam("Authorization") String authorization, @QueryParam("provider") String provider,
            @QueryParam("limit") int limit, @QueryParam("offset") long offset, @QueryParam("sort_by") String sortBy,
            @QueryParam("order_by") String orderBy);

    @GET
    @Path("/v3/grants/{grantId}")
    Response grant(@HeaderParam("Authorization") String authorization, @PathParam("grantId") String grantId);

    @DELETE
    @Path("/v3/grants/{grantId}")
    Response deleteGrant(@HeaderParam("Authorization") String authorization, @PathParam("grantId") String grantId);

    @POST
    @Path("/v3/connect/token")
    @Consumes(MediaType.APPLICATION_JSON)
    Response token(Map<String, String> request);

    @POST
    @Path("/v3/connect/custom")
    @Consumes(MediaType.APPLICATION_JSON)
    Response custom(@HeaderParam("Authorization") String authorization, Map<String, Object> request);
}
