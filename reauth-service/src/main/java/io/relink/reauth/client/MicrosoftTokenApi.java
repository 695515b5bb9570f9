package io.relink.reauth.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/** The Microsoft identity platform's token endpoint, under the authority; every status is read by {@link MicrosoftIdentityClient}. */
@Produces(MediaType.APPLICATION_JSON)
interface MicrosoftTokenApi {
    @POST
    @Path("/oauth2/v2.0/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response token(MultivaluedMap<String, String> form);
}
