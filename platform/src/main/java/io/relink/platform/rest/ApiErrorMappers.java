package io.relink.platform.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Turns bad input into a 400 with a body that says what was wrong, in every service. */
public class ApiErrorMappers {

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("invalid_request", e.getMessage())).build();
    }
}
