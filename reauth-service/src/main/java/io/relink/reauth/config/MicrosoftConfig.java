package io.relink.reauth.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The customer's Azure app, for {@code relink.reauth.mode=native} ({@code relink.microsoft.*}). Unused in hosted
 * mode; in native mode the service does not start without the client id and secret.
 */
@ConfigMapping(prefix = "relink.microsoft")
public interface MicrosoftConfig {
    /** The Azure app's Application (client) ID. */
    Optional<String> clientId();

    /** A client secret of the Azure app. Never logged; sent only to Microsoft's token endpoint and to Nylas. */
    Optional<String> clientSecret();

    /**
     * The Microsoft identity platform authority: {@code /oauth2/v2.0/authorize} and {@code /oauth2/v2.0/token} are
     * under it. {@code common} lets users of any work or school tenant sign in; a tenant id limits it to one.
     */
    @WithDefault("https://login.microsoftonline.com/common")
    String authority();

    /**
     * The Microsoft scopes, space-separated. The default is the Nylas guide's set for Exchange (EAS/EWS) accounts,
     * which keeps an account on EAS/EWS; Graph scopes (Mail.ReadWrite, ...) move it to Graph, under a new account id.
     * Each must be a permission the Azure app has.
     */
    @WithDefault("offline_access https://outlook.office365.com/EAS.AccessAsUser.All https://outlook.office365.com/EWS.AccessAsUser.All openid profile User.Read")
    String scopes();

    /** The authority without a trailing slash. */
    default String authorityBase() {
        return authority().replaceAll("/+$", "");
    }
}
