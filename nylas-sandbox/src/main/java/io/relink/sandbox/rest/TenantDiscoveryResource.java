package io.relink.sandbox.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.relink.sandbox.service.RequestLog;
import io.relink.sandbox.service.TenantDirectory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Microsoft's tenant discovery, {@code /{domain}/v2.0/.well-known/openid-configuration}, as it answers: 200 with the
 * OpenID configuration of the tenant that has the domain, or 400 {@code invalid_tenant} (AADSTS90002) when no tenant
 * has it. A domain set as unavailable gets a 503, as in an outage.
 */
@Path("/{domain}/v2.0/.well-known/openid-configuration")
@Produces(MediaType.APPLICATION_JSON)
public class TenantDiscoveryResource {
    private final TenantDirectory tenants;
    private final RequestLog log;

    public TenantDiscoveryResource(TenantDirectory tenants, RequestLog log) {
        this.tenants = tenants;
        this.log = log;
    }

    @GET
    public Response configuration(@PathParam("domain") String domain, @Context UriInfo uri) {
        log.count("tenant_discovery");
        String base = uri.getBaseUri().toString().replaceAll("/+$", "");
        return switch (tenants.lookUp(domain)) {
            case TENANT -> {
                String tenant = base + "/" + tenants.tenantId(domain);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("token_endpoint", tenant + "/oauth2/v2.0/token");
                body.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
                body.put("jwks_uri", base + "/" + tenants.tenantId(domain) + "/discovery/v2.0/keys");
                body.put("response_modes_supported", List.of("query", "fragment", "form_post"));
                body.put("subject_types_supported", List.of("pairwise"));
                body.put("id_token_signing_alg_values_supported", List.of("RS256"));
                body.put("response_types_supported", List.of("code", "id_token", "code id_token", "id_token token"));
                body.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
                body.put("issuer", tenant + "/v2.0");
                body.put("authorization_endpoint", tenant + "/oauth2/v2.0/authorize");
                body.put("tenant_region_scope", "EU");
                yield Response.ok(body).build();
            }
            case NO_TENANT -> Response.status(400).entity(Map.of(
                    "error", "invalid_tenant",
                    "error_description", "AADSTS90002: Tenant '" + domain + "' not found. Check to make sure you have the correct tenant ID and "
                            + "are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no "
                            + "active subscriptions for the tenant.",
                    "error_codes", List.of(90002),
                    "error_uri", base + "/error?code=90002")).build();
            case UNAVAILABLE -> Response.status(503).entity(Map.of("error", "temporarily_unavailable",
                    "error_description", "AADSTS90033: A transient error has occurred. Please try again.")).build();
        };
    }
}
