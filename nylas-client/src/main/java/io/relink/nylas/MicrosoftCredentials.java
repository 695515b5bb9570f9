package io.relink.nylas;

/**
 * What native authentication hands Nylas: the customer's Azure app, the refresh token it got for the mailbox and the
 * redirect URI it got it with. All but the redirect URI are secrets; none appears in {@link #toString()}.
 */
public record MicrosoftCredentials(String clientId, String clientSecret, String refreshToken, String redirectUri) {
    @Override
    public String toString() {
        return "MicrosoftCredentials[redirectUri=" + redirectUri + "]";
    }
}
