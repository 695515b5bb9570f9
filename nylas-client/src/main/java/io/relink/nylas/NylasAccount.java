package io.relink.nylas;

/**
 * An account as the scanner sees it, whichever API listed it: a v2 account, or a v3 grant. For a grant, {@code id} is
 * the grant id, {@code provider} its connector ({@code ews}, {@code microsoft}, ...), {@code grantStatus} {@code valid}
 * or {@code invalid}, and {@code v2AccountId} the v2 account id of a grant migrated from v2 (null otherwise); a grant
 * has no sync, billing or authentication type, so those are null. A v2 account has no grant status or v2 id.
 */
public record NylasAccount(
        String id,
        String email,
        String provider,
        String syncState,
        String billingState,
        String authenticationType,
        String grantStatus,
        String v2AccountId) {

    /** A v2 account. */
    public NylasAccount(String id, String email, String provider, String syncState, String billingState, String authenticationType) {
        this(id, email, provider, syncState, billingState, authenticationType, null, null);
    }

    /** A v3 grant. */
    public static NylasAccount grant(String id, String email, String connector, String grantStatus, String v2AccountId) {
        return new NylasAccount(id, email, connector, null, null, null, grantStatus, v2AccountId);
    }
}
