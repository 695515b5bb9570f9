package io.relink.sandbox.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.relink.sandbox.config.SandboxConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A stand-in for Microsoft's identity platform, as hosted authentication meets it: Nylas sends the browser to
 * {@code /{tenant}/oauth2/v2.0/authorize} on another origin, the user accepts or cancels there, and Microsoft sends
 * the browser back to Nylas with a code or an error. Only Nylas's own Azure app and its callback are registered.
 */
@ApplicationScoped
public class MicrosoftIdentity {
    /** An authorize request, as Microsoft receives it. */
    public record Request(String clientId, String redirectUri, String responseType, String scope, String loginHint, String state) {
    }

    private record PendingCode(String email, String redirectUri, Instant expiresAt) {
    }

    private final SandboxConfig config;
    private final RequestLog log;
    private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();

    public MicrosoftIdentity(SandboxConfig config, RequestLog log) {
        this.config = config;
        this.log = log;
    }

    /** The sign-in page's address on Microsoft's origin, for a browser that Nylas sends there. */
    public String authorizeUrl(String microsoftBase, String redirectUri, String loginHint, String state) {
        StringBuilder url = new StringBuilder(microsoftBase).append("/common/oauth2/v2.0/authorize")
                .append("?client_id=").append(encode(config.microsoft().clientId()))
                .append("&response_type=code")
                .append("&redirect_uri=").append(encode(redirectUri))
                .append("&scope=").append(encode(config.microsoft().scopes()))
                .append("&state=").append(encode(state));
        if (loginHint != null) {
            url.append("&login_hint=").append(encode(loginHint));
        }
        return url.toString();
    }

    /** Checks a request as Microsoft's page does; the message is what its error page says (AADSTS codes as Microsoft's). */
    public void validate(Request request) {
        if (!config.microsoft().clientId().equals(request.clientId())) {
            throw new HostedAuth.NylasError(400, "invalid_request",
                    "AADSTS700016: Application with identifier '" + request.clientId() + "' was not found in the directory.");
        }
        if (!"code".equals(request.responseType())) {
            throw new HostedAuth.NylasError(400, "unsupported_response_type", "AADSTS900144: The request must contain response_type=code.");
        }
        if (request.redirectUri() == null || !request.redirectUri().endsWith(HostedAuth.CALLBACK_PATH)) {
            throw new HostedAuth.NylasError(400, "invalid_request",
                    "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.");
        }
    }

    /** Accept: back to the redirect URI with a single-use code for the mailbox the user signed in as. */
    public String accept(Request request, String email) {
        validate(request);
        String code = HostedAuth.randomToken(24);
        codes.put(code, new PendingCode(email, request.redirectUri(), Instant.now().plus(config.codeLifetime())));
        log.count("microsoft.accepted");
        return HostedAuth.withParameters(request.redirectUri(), "code", code, "state", request.state());
    }

    /** Cancel: back to the redirect URI with Microsoft's error. */
    public String cancel(Request request) {
        validate(request);
        log.count("microsoft.cancelled");
        return HostedAuth.withParameters(request.redirectUri(), "error", "access_denied", "error_description",
                "AADSTS65004: User declined to consent to access the app.", "state", request.state());
    }

    /** What Nylas does with the code, server to server: the mailbox it signs in, once. Null for a bad code. */
    public String redeem(String code, String redirectUri) {
        PendingCode pending = code == null ? null : codes.remove(code);
        if (pending == null || pending.expiresAt().isBefore(Instant.now()) || !pending.redirectUri().equals(redirectUri)) {
            return null;
        }
        return pending.email();
    }

    public void reset() {
        codes.clear();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
