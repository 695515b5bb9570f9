package io.relink.console.service;

import java.util.Optional;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/** The signed-in person of this request: their name as their identity provider gives it, and what they may do. */
@RequestScoped
@Named("person")
public class Person {
    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";

    private final SecurityIdentity identity;

    public Person(SecurityIdentity identity) {
        this.identity = identity;
    }

    public boolean signedIn() {
        return !identity.isAnonymous();
    }

    /** May act (approve, pause, scan, resend), not only look. */
    public boolean operator() {
        return identity.hasRole(OPERATOR);
    }

    /** The person's name, e.g. "Olivia Operator". */
    public String name() {
        return claim("name").or(() -> claim("preferred_username")).orElse(identity.getPrincipal().getName());
    }

    public String email() {
        return claim("email").orElse("");
    }

    /** How the services record this person as who did something: "Olivia Operator <olivia@contoso.com>". */
    public Optional<String> actor() {
        if (!signedIn()) {
            return Optional.empty();
        }
        String email = email();
        return Optional.of(email.isEmpty() ? name() : name() + " <" + email + ">");
    }

    private Optional<String> claim(String name) {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            Object value = token.getClaim(name);
            if (value != null && !value.toString().isBlank()) {
                return Optional.of(value.toString().replace("\"", ""));
            }
        }
        return Optional.empty();
    }
}
