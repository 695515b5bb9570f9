package io.relink.sandbox.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A Nylas v2 account object as the management API returns it. {@code authentication_type} is left out when
 * null, as in responses older than the field; {@code namespace_id} appears only on some accounts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "id", "account_id", "email", "provider", "sync_state", "billing_state", "authentication_type", "trial", "namespace_id" })
public record Account(
        String id,
        String email,
        String provider,
        @JsonProperty("sync_state") String syncState,
        @JsonProperty("billing_state") String billingState,
        @JsonProperty("authentication_type") String authenticationType,
        boolean trial,
        @JsonProperty("namespace_id") String namespaceId) {

    @JsonProperty("account_id")
    public String accountId() {
        return id;
    }

    @JsonIgnore
    public boolean isPasswordExchange() {
        return ("eas".equals(provider) || "ews".equals(provider)) && "password".equals(authenticationType);
    }

    @JsonIgnore
    public boolean isActive() {
        return !"cancelled".equals(billingState) && !"deleted".equals(billingState);
    }

    /** Another email value, as Nylas stores whatever the account was connected with (a display name, even a list). */
    public Account withEmail(String value) {
        return new Account(id, value, provider, syncState, billingState, authenticationType, trial, namespaceId);
    }

    public Account withAuthenticationType(String value) {
        return new Account(id, email, provider, syncState, billingState, value, trial, namespaceId);
    }

    public Account withBillingState(String value) {
        return new Account(id, email, provider, syncState, value, authenticationType, trial, namespaceId);
    }

    public Account withSyncState(String value) {
        return new Account(id, email, provider, value, billingState, authenticationType, trial, namespaceId);
    }

    public Account withProvider(String value) {
        return new Account(id, email, value, syncState, billingState, authenticationType, trial, namespaceId);
    }

    /** The same mailbox under a new id, as Nylas creates one when an account moves to graph. */
    public Account asNewAccount(String newId, String newProvider) {
        return new Account(newId, email, newProvider, "running", "paid", "oauth", trial, null);
    }
}
