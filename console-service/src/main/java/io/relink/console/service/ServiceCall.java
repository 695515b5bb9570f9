package io.relink.console.service;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

/** A call to one of the services, with what went wrong said as the service said it. */
public final class ServiceCall {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServiceCall() {
    }

    /** What a service refused or failed with, for a page to show. */
    public static final class Failed extends RuntimeException {
        private final int status;

        public Failed(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The service's HTTP status; 502 when it could not be reached. */
        public int status() {
            return status;
        }
    }

    public static <T> T call(String service, Supplier<T> call) {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            throw new Failed(e.getResponse().getStatus(), service + " said: " + message(e));
        } catch (ProcessingException e) {
            throw new Failed(502, service + " cannot be reached just now; try again in a moment");
        }
    }

    private static String message(WebApplicationException e) {
        try {
            String body = e.getResponse().readEntity(String.class);
            JsonNode node = JSON.readTree(body);
            return node.hasNonNull("message") ? node.get("message").asText() : body;
        } catch (RuntimeException | java.io.IOException unreadable) {
            return "HTTP " + e.getResponse().getStatus();
        }
    }
}
