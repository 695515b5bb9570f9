package io.relink.sandbox.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.relink.sandbox.config.SandboxConfig;
import io.relink.sandbox.service.ConnectV3.ApiError;
import io.relink.sandbox.service.ConnectV3.OAuthError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Nylas v3's answers: every one carries a {@code request_id}; errors are {@code {"request_id", "error": {"type",
 * "message"}}}, except {@code /v3/connect/token}'s, which are OAuth's ({@code error}, {@code error_description},
 * {@code error_code}, {@code error_uri}), as nylas-java 2.x reads them.
 */
public class V3Errors {

    @ServerExceptionMapper
    public Response map(ApiError error) {
        return envelope(error.status(), error.type(), error.getMessage());
    }

    @ServerExceptionMapper
    public Response map(OAuthError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.error());
        body.put("error_description", error.getMessage());
        body.put("error_uri", "https://accounts.nylas.com/#tag/Event-Codes");
        body.put("error_code", String.valueOf(error.code()));
        body.put("request_id", requestId());
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    static Response envelope(int status, String type, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request_id", requestId());
        body.put("error", Map.of("type", type, "message", message));
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    /** {@code {"request_id": ..., "data": ...}}. */
    static Map<String, Object> data(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request_id", requestId());
        body.put("data", data);
        return body;
    }

    static String requestId() {
        return UUID.randomUUID().toString();
    }

    /** {@code Authorization: Bearer <API key>}, as every v3 call but the token exchange takes it. */
    static void requireApiKey(SandboxConfig config, String authorization) {
        boolean ok = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                        config.apiKey().getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            throw new ApiError(401, "unauthorized", "Unauthorized");
        }
    }
}
