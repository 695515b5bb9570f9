package io.relink.sandbox.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.relink.sandbox.config.SandboxConfig;
import io.relink.sandbox.service.Grants.Grant;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Nylas v3 sign-ins: hosted OAuth ({@code /v3/connect/auth}, on to Microsoft's sign-in on another origin, back
 * through {@code /v3/connect/callback} to the application's callback URI with a code, exchanged once at
 * {@code /v3/connect/token} with the API key and the PKCE verifier) and custom auth ({@code /v3/connect/custom}, a
 * refresh token that the customer's Azure app got). Either way the mailbox gets a {@code microsoft} grant: the one it
 * had, or a new one (a new grant id) when it was on another connector, whose old grant stays until deleted.
 */
@ApplicationScoped
public class ConnectV3 {
    /** Where Microsoft sends the browser back to Nylas in v3. */
    public static final String CALLBACK_PATH = "/v3/connect/callback";

    /** A v3 error: the envelope's {@code error.type} and {@code error.message}, with its HTTP status. */
    public static final class ApiError extends RuntimeException {
        private final int status;
        private final String type;

        public ApiError(int status, String type, String message) {
            super(message);
            this.status = status;
            this.type = type;
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }
    }

    /** {@code /v3/connect/token}'s errors are OAuth's: {@code error}, {@code error_description}, {@code error_code}. */
    public static final class OAuthError extends RuntimeException {
        private final int status;
        private final String error;
        private final int code;

        public OAuthError(int status, String error, int code, String description) {
            super(description);
            this.status = status;
            this.error = error;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }

        public int code() {
            return code;
        }
    }

    public record AuthRequest(String clientId, String redirectUri, String responseType, String provider, String loginHint, String state,
            String scope, String codeChallenge, String codeChallengeMethod) {
    }

    private record PendingAuthorization(AuthRequest request, String callbackUri, Instant expiresAt) {
    }

    private record PendingCode(String email, String redirectUri, String codeChallenge, Instant expiresAt) {
    }

    private final SandboxConfig config;
    private final MicrosoftIdentity microsoft;
    private final AccountStore accounts;
    private final Grants grants;
    private final RequestLog log;
    private final Webhooks webhooks;
    private final Map<String, PendingAuthorization> authorizations = new ConcurrentHashMap<>();
    private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
    private final Map<String, String> deleted = new ConcurrentHashMap<>();
    /** Access tokens the code exchange issued, by grant, so tests can look for them where they must not be. */
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();

    public ConnectV3(SandboxConfig config, MicrosoftIdentity microsoft, AccountStore accounts, Grants grants, RequestLog log, Webhooks webhooks) {
        this.webhooks = webhooks;
        this.config = config;
        this.microsoft = microsoft;
        this.accounts = accounts;
        this.grants = grants;
        this.log = log;
    }

    /**
     * {@code GET /v3/connect/auth}, checked as Nylas checks it (an error page otherwise): returns where to send the
     * browser, Microsoft's sign-in at {@code microsoftBase}, which comes back to {@code nylasBase}{@value #CALLBACK_PATH}.
     */
    public String begin(AuthRequest request, String nylasBase, String microsoftBase) {
        if (!config.clientId().equals(request.clientId())) {
            throw new ApiError(400, "invalid_request_error", "client_id is not a Nylas application's.");
        }
        if (!"code".equals(request.responseType())) {
            throw new ApiError(400, "invalid_request_error", "response_type must be code.");
        }
        if (request.redirectUri() == null || !config.redirectUris().contains(request.redirectUri())) {
            throw new ApiError(400, "invalid_request_error", "redirect_uri is not a callback URI of this application.");
        }
        if (!"microsoft".equals(request.provider())) {
            // Nylas would show its provider chooser; this stand-in has a Microsoft sign-in only.
            throw new ApiError(400, "invalid_request_error", "provider must be microsoft: this sandbox signs users in at Microsoft only.");
        }
        if (request.codeChallenge() != null && !"s256".equalsIgnoreCase(request.codeChallengeMethod())
                && !"plain".equalsIgnoreCase(request.codeChallengeMethod())) {
            throw new ApiError(400, "invalid_request_error", "code_challenge_method must be s256 or plain.");
        }
        String handle = HostedAuth.randomToken(24);
        String callback = nylasBase + CALLBACK_PATH;
        authorizations.put(handle, new PendingAuthorization(request, callback, Instant.now().plus(config.codeLifetime())));
        log.count("v3.connect.auth");
        return microsoft.authorizeUrl(microsoftBase, callback, request.loginHint(), handle);
    }

    /**
     * {@code GET /v3/connect/callback}, Microsoft's answer: to the application's callback URI with a code for the mailbox
     * the user signed in as, or with the error (v3 always sends the browser back, with {@code state}).
     */
    public String finish(String handle, String microsoftCode, String error) {
        PendingAuthorization pending = handle == null ? null : authorizations.remove(handle);
        if (pending == null || pending.expiresAt().isBefore(Instant.now())) {
            throw new ApiError(400, "invalid_request_error", "This sign-in has expired or was already finished. Go back to the application and start again.");
        }
        AuthRequest request = pending.request();
        if (error != null || microsoftCode == null) {
            log.count("v3.connect.denied");
            return HostedAuth.withParameters(request.redirectUri(), "error", "access_denied", "error_description", "The user denied access.",
                    "state", request.state());
        }
        String email = microsoft.redeem(microsoftCode, pending.callbackUri());
        if (email == null) {
            throw new ApiError(400, "invalid_request_error", "The provider's authorization code was not accepted.");
        }
        String challenge = request.codeChallenge() == null ? null
                : ("plain".equalsIgnoreCase(request.codeChallengeMethod()) ? "plain:" : "s256:") + request.codeChallenge();
        String code = HostedAuth.randomToken(32);
        codes.put(code, new PendingCode(email, request.redirectUri(), challenge, Instant.now().plus(config.codeLifetime())));
        log.count("v3.connect.approved");
        return HostedAuth.withParameters(request.redirectUri(), "code", code, "state", request.state());
    }

    /** {@code POST /v3/connect/token}: a code, once, with the API key as {@code client_secret} and the PKCE verifier. */
    public Map<String, Object> exchange(Map<String, String> body) {
        log.count("v3.connect.token");
        if (!config.clientId().equals(body.get("client_id")) || !config.apiKey().equals(body.get("client_secret"))) {
            throw new OAuthError(401, "invalid_client", 100101, "The client_id or client_secret is not valid.");
        }
        if (!"authorization_code".equals(body.get("grant_type"))) {
            throw new OAuthError(400, "unsupported_grant_type", 100102, "grant_type must be authorization_code.");
        }
        String code = body.get("code");
        PendingCode pending = code == null ? null : codes.remove(code);
        if (pending == null || pending.expiresAt().isBefore(Instant.now())) {
            log.count("v3.connect.code-refused");
            throw new OAuthError(400, "invalid_grant", 100103, "The code is not valid, has expired or was used already.");
        }
        if (!pending.redirectUri().equals(body.get("redirect_uri"))) {
            throw new OAuthError(400, "invalid_grant", 100104, "redirect_uri does not match the one of the authorization request.");
        }
        if (pending.codeChallenge() != null && !pkceMatches(pending.codeChallenge(), body.get("code_verifier"))) {
            log.count("v3.connect.pkce-refused");
            throw new OAuthError(400, "invalid_grant", 100105, "code_verifier does not match the code_challenge.");
        }
        Grant grant = microsoftGrant(pending.email());
        Map<String, Object> answer = new LinkedHashMap<>();
        String accessToken = HostedAuth.randomToken(40);
        accessTokens.put(accessToken, grant.id());
        answer.put("access_token", accessToken);
        answer.put("token_type", "Bearer");
        answer.put("expires_in", 3600);
        answer.put("id_token", HostedAuth.randomToken(40));
        answer.put("scope", String.join(" ", grant.scope()));
        answer.put("grant_id", grant.id());
        answer.put("email", grant.email());
        answer.put("provider", grant.provider());
        return answer;
    }

    /**
     * {@code POST /v3/connect/custom} for {@code microsoft}: the refresh token must be one Microsoft issued to the Azure
     * app the application's {@code microsoft} connector is set up with (the customer's), as Nylas refreshes it with that
     * app. The answer is the grant without its address, as Nylas's own example shows it.
     */
    public Map<String, Object> custom(Map<String, Object> body) {
        log.count("v3.connect.custom");
        if (!"microsoft".equals(body.get("provider"))) {
            throw new ApiError(400, "invalid_request_error", "provider must be microsoft here.");
        }
        if (!(body.get("settings") instanceof Map<?, ?> settings) || !(settings.get("refresh_token") instanceof String refreshToken)) {
            throw new ApiError(400, "invalid_request_error", "settings.refresh_token is required.");
        }
        MicrosoftIdentity.RefreshGrant refresh = microsoft.refreshGrant(refreshToken);
        if (refresh == null || !refresh.clientId().equals(config.microsoft().nativeClientId())) {
            log.count("v3.connect.custom-refused");
            throw new ApiError(400, "provider_error", "Microsoft refused the refresh token: invalid_grant (AADSTS70000).");
        }
        Grant grant = microsoftGrant(refresh.email());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", grant.id());
        data.put("provider", grant.provider());
        data.put("grant_status", grant.grantStatus());
        data.put("scope", grant.scope());
        data.put("created_at", grant.createdAt());
        data.put("updated_at", Instant.now().getEpochSecond());
        return data;
    }

    /** {@code DELETE /v3/grants/{id}}; false when there is no such grant (gone already). */
    public boolean delete(String grantId) {
        java.util.Optional<Grant> grant = grants.byId(grantId);
        if (grant.isEmpty() || !grants.delete(grantId)) {
            return false;
        }
        deleted.put(grantId, Instant.now().toString());
        log.count("v3.grants.deleted");
        webhooks.grant("grant.deleted", grant.get());
        return true;
    }

    /** For inspection: the access tokens issued by the code exchange. */
    public List<String> issuedAccessTokens() {
        return List.copyOf(accessTokens.keySet());
    }

    /** For inspection: the grants deleted, with when. */
    public Map<String, String> deletedGrants() {
        return Map.copyOf(deleted);
    }

    public void reset() {
        authorizations.clear();
        codes.clear();
        deleted.clear();
        accessTokens.clear();
    }

    /** The mailbox's microsoft grant: kept (a re-authentication), or created beside the grant it had on another connector. */
    private Grant microsoftGrant(String email) {
        Account account = accounts.byEmail(email)
                .orElseThrow(() -> new ApiError(400, "invalid_request_error", "No mailbox " + email + " in this sandbox."));
        boolean kept = "microsoft".equals(Grants.connector(account));
        Account target = kept ? account : accounts.addMovedAccount(account, "microsoft");
        log.count("v3.grants.microsoft");
        Grant grant = grants.ofAccount(target).orElseThrow();
        webhooks.grant(kept ? "grant.updated" : "grant.created", grant);
        return grant;
    }

    /**
     * Nylas's PKCE, as its v3 SDKs compute the challenge (nylas-java 2.x {@code Auth.hashPkceSecret}, nylas-nodejs 7.x):
     * base64, unpadded, of the lowercase hex of the verifier's SHA-256. Not RFC 7636's base64url of the raw digest: a
     * client that sends that is refused, as it would be by Nylas.
     */
    static boolean pkceMatches(String challenge, String verifier) {
        if (verifier == null) {
            return false;
        }
        if (challenge.startsWith("plain:")) {
            return challenge.substring(6).equals(verifier);
        }
        return MessageDigest.isEqual(challenge.substring(5).getBytes(StandardCharsets.US_ASCII),
                nylasS256(verifier).getBytes(StandardCharsets.US_ASCII));
    }

    static String nylasS256(String verifier) {
        try {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.UTF_8)));
            return Base64.getEncoder().withoutPadding().encodeToString(hex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
