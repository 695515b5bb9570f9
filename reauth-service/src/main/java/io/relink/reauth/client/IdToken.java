package io.relink.reauth.client;

import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The claims of the ID token that came with a code's redemption. Its signature is not checked: it came straight from
 * the token endpoint over TLS, which OpenID Connect Core (3.1.3.7) accepts in place of the signature. The audience is.
 */
public record IdToken(String audience, String preferredUsername, String email, String name) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The claims of a compact JWT; {@link IllegalArgumentException} for anything else. */
    static IdToken parse(String jwt) {
        String[] parts = jwt == null ? new String[0] : jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWT");
        }
        Map<?, ?> claims;
        try {
            claims = JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the JWT's claims are not JSON");
        }
        return new IdToken(text(claims.get("aud")), text(claims.get("preferred_username")), text(claims.get("email")), text(claims.get("name")));
    }

    /** Whether the mailbox that signed in is {@code address}: its sign-in name (UPN) or its email claim. */
    public boolean signedInAs(String address) {
        String wanted = address.trim().toLowerCase(Locale.ROOT);
        return Stream.of(preferredUsername, email).anyMatch(a -> a != null && a.trim().toLowerCase(Locale.ROOT).equals(wanted));
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    @Override
    public String toString() {
        return "IdToken[aud=" + audience + "]";
    }
}
