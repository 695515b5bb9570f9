package io.relink.reauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class IdTokenTest {
    @Test
    void theMailboxIsItsSignInNameOrItsEmailInAnyCase() {
        IdToken token = IdToken.parse(jwt("{\"aud\":\"app\",\"preferred_username\":\"Ada.Admin@Contoso.example\",\"email\":\"ada@contoso.example\","
                + "\"name\":\"Ada\"}"));
        assertEquals("app", token.audience());
        assertEquals("Ada", token.name());
        assertTrue(token.signedInAs("ada.admin@contoso.example"), "the UPN");
        assertTrue(token.signedInAs(" ADA@contoso.example "), "the primary address, when the UPN differs");
        assertFalse(token.signedInAs("bob@contoso.example"));
    }

    @Test
    void aTokenWithoutAddressesMatchesNoMailbox() {
        assertFalse(IdToken.parse(jwt("{\"aud\":\"app\",\"preferred_username\":\"\"}")).signedInAs(""));
    }

    @Test
    void anythingButAJwtIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> IdToken.parse(null));
        assertThrows(IllegalArgumentException.class, () -> IdToken.parse("a.b"));
        assertThrows(IllegalArgumentException.class, () -> IdToken.parse("e30.bm90LWpzb24.c2ln"));
    }

    @Test
    void itsTextNamesNoMailbox() {
        IdToken token = IdToken.parse(jwt("{\"aud\":\"app\",\"preferred_username\":\"ada@contoso.example\"}"));
        assertFalse(token.toString().contains("ada"), token.toString());
    }

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                + ".signature";
    }
}
