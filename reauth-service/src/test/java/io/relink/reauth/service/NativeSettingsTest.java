package io.relink.reauth.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.relink.reauth.config.MicrosoftConfig;

/** Native mode does not start without the Azure app, and says which setting is missing. */
@Tag("unit")
class NativeSettingsTest {
    private static final String GUIDE_SCOPES = "offline_access https://outlook.office365.com/EAS.AccessAsUser.All "
            + "https://outlook.office365.com/EWS.AccessAsUser.All openid profile User.Read";

    @Test
    void withoutTheAzureAppItNamesBothSettingsAndTheirVariables() {
        String message = refusal(settings(null, null, GUIDE_SCOPES));
        assertTrue(message.contains("relink.microsoft.client-id (RELINK_MICROSOFT_CLIENT_ID)"), message);
        assertTrue(message.contains("relink.microsoft.client-secret (RELINK_MICROSOFT_CLIENT_SECRET)"), message);
    }

    @Test
    void onlyTheMissingOneIsNamed() {
        String message = refusal(settings("app", null, GUIDE_SCOPES));
        assertFalse(message.contains("client-id"), message);
        assertTrue(message.contains("client-secret"), message);
    }

    @Test
    void scopesWithoutARefreshTokenOrAnIdTokenAreRefused() {
        String message = refusal(settings("app", "secret", "https://outlook.office365.com/EWS.AccessAsUser.All User.Read"));
        assertTrue(message.contains("offline_access"), message);
        assertTrue(message.contains("openid"), message);
    }

    @Test
    void theGuidesSetWithTheAppStarts() {
        assertDoesNotThrow(() -> NativeSignIn.checkSettings(settings("app", "secret", GUIDE_SCOPES)));
    }

    @Test
    void theSecretIsNeverInTheMessage() {
        assertFalse(refusal(settings(null, "s3cr3t-value", GUIDE_SCOPES)).contains("s3cr3t-value"));
    }

    private static String refusal(MicrosoftConfig settings) {
        return assertThrows(IllegalStateException.class, () -> NativeSignIn.checkSettings(settings)).getMessage();
    }

    private static MicrosoftConfig settings(String clientId, String clientSecret, String scopes) {
        return new MicrosoftConfig() {
            public Optional<String> clientId() {
                return Optional.ofNullable(clientId);
            }

            public Optional<String> clientSecret() {
                return Optional.ofNullable(clientSecret);
            }

            public String authority() {
                return "https://login.microsoftonline.com/common";
            }

            public String scopes() {
                return scopes;
            }
        };
    }
}
