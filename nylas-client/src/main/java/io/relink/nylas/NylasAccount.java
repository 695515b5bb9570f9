package io.relink.nylas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The fields of a Nylas account object the scanner uses; others are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NylasAccount(
        String id,
        String email,
        String provider,
        @JsonProperty("sync_state") String syncState,
        @JsonProperty("billing_state") String billingState,
        @JsonProperty("authentication_type") String authenticationType) {
}
