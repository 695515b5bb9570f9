package io.relink.console.client;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

import io.relink.console.config.ConsoleConfig;
import io.relink.console.service.Person;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * Every call to a service: the console's key, and the signed-in person it acts for ({@code Relink-Actor}), so the
 * services record that person, not the key, as who approved, paused or started what.
 */
@ApplicationScoped
public class ServiceHeaders implements ClientHeadersFactory {
    private final ConsoleConfig config;
    private final Person person;

    public ServiceHeaders(ConsoleConfig config, Person person) {
        this.config = config;
        this.person = person;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming, MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle("Authorization", "Bearer " + config.serviceKey());
        person.actor().ifPresent(actor -> headers.putSingle("Relink-Actor", actor));
        return headers;
    }
}
