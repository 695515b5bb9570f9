package io.relink.nylas;

/**
 * What a finished sign-in gives: the account (v2) or grant (v3) id, its address and provider, and, where Nylas issues
 * one, an access token (v2 always; v3's hosted exchange too; v3's custom auth none, since a v3 grant is used with the
 * API key). The token is a long-lived secret: never logged, never published.
 */
public record TokenGrant(String accessToken, String accountId, String emailAddress, String provider) {
    @Override
    public String toString() {
        return "TokenGrant[accountId=" + accountId + ", provider=" + provider + "]";
    }
}
