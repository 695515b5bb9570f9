package io.relink.nylas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The token exchange's answer. The access token is a long-lived secret: never logged, never published. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenGrant(@JsonProperty("access_token") String accessToken, @JsonProperty("account_id") String accountId,
        @JsonProperty("email_address") String emailAddress, String provider) {
    @Override
    public String toString() {
        return "TokenGrant[accountId=" + accountId + ", provider=" + provider + "]";
    }
}
