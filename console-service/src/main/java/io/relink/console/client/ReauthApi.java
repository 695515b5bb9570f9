package io.relink.console.client;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Reauth's hand-over records (reauth-service/README.md). */
@RegisterRestClient(configKey = "reauth")
@RegisterClientHeaders(ServiceHeaders.class)
@Path("/api/handovers")
@Produces(MediaType.APPLICATION_JSON)
public interface ReauthApi {
    record HandOverEvent(Instant at, String type, String refusal, String detail) {
    }

    record RefusalCount(String refusal, long count, Instant last) {
    }

    @GET
    List<HandOverEvent> handOvers(@QueryParam("accountId") String accountId);

    @GET
    @Path("/refusals")
    List<RefusalCount> refusals(@QueryParam("days") Integer days);
}
