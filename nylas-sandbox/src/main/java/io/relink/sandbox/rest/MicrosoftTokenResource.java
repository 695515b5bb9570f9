package io.relink.sandbox.rest;

import java.util.HashMap;
import java.util.Map;

import io.relink.sandbox.service.MicrosoftIdentity;
import io.relink.sandbox.service.MicrosoftIdentity.TokenAnswer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/** Microsoft's token endpoint, as a confidential app redeems its code there (form in, JSON out, errors as AADSTS). */
@Path("/{tenant}/oauth2/v2.0/token")
public class MicrosoftTokenResource {
    private final MicrosoftIdentity microsoft;

    public MicrosoftTokenResource(MicrosoftIdentity microsoft) {
        this.microsoft = microsoft;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(MultivaluedMap<String, String> form) {
        Map<String, String> fields = new HashMap<>();
        form.forEach((name, values) -> fields.put(name, values.isEmpty() ? null : values.get(0)));
        TokenAnswer answer = microsoft.token(fields);
        return Response.status(answer.status()).entity(answer.body()).header("Cache-Control", "no-store").build();
    }
}
