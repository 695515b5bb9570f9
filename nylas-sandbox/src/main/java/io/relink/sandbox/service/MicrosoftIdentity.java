package io.relink.sandbox.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.sandbox.config.SandboxConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A stand-in for Microsoft's identity platform. Two apps are registered: Nylas's own, which hosted authentication
 * signs in with (its browser comes back to Nylas's callback, and Nylas redeems the code), and the customer's, which
 * native authentication signs in with (back to the customer's redirect URI; the customer redeems the code at
 * {@code /{tenant}/oauth2/v2.0/token} with its secret and the PKCE verifier, for a refresh token and an ID token).
 * Codes work once and only for the app, redirect URI and PKCE challenge they were issued for, as Microsoft's do.
 */
@ApplicationScoped
public class MicrosoftIdentity {
    /** An authorize request, as Microsoft receives it. */
    public record Request(String clientId, String redirectUri, String responseType, String scope, String loginHint, String state,
            String codeChallenge, String codeChallengeMethod) {
    }

    /** A token endpoint answer, or Microsoft's error ({@code error}, {@code error_description}) with its HTTP status. */
    public record TokenAnswer(int status, Map<String, Object> body) {
    }

    /** What a refresh token the customer's app holds stands for: the app and the mailbox that signed in. */
    public record RefreshGrant(String clientId, String email) {
    }

    private record PendingCode(String clientId, String email, String redirectUri, String codeChallenge, Instant expiresAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

    private final SandboxConfig config;
    private final RequestLog log;
    private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    private final byte[] idTokenKey = HostedAuth.randomToken(32).getBytes(StandardCharsets.US_ASCII);

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
        boolean nylasApp = config.microsoft().clientId().equals(request.clientId());
        boolean customerApp = config.microsoft().nativeClientId().equals(request.clientId());
        if (!nylasApp && !customerApp) {
            throw new HostedAuth.NylasError(400, "invalid_request",
                    "AADSTS700016: Application with identifier '" + request.clientId() + "' was not found in the directory.");
        }
        if (!"code".equals(request.responseType())) {
            throw new HostedAuth.NylasError(400, "unsupported_response_type", "AADSTS900144: The request must contain response_type=code.");
        }
        boolean registered = request.redirectUri() != null && (nylasApp ? (request.redirectUri().endsWith(HostedAuth.CALLBACK_PATH) || request.redirectUri().endsWith(ConnectV3.CALLBACK_PATH))
                : config.microsoft().nativeRedirectUris().contains(request.redirectUri()));
        if (!registered) {
            throw new HostedAuth.NylasError(400, "invalid_request",
                    "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.");
        }
        if (request.codeChallenge() != null && !"S256".equals(request.codeChallengeMethod()) && !"plain".equals(request.codeChallengeMethod())) {
            throw new HostedAuth.NylasError(400, "invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter or method.");
        }
    }

    /** Accept: back to the redirect URI with a single-use code for the mailbox the user signed in as. */
    public String accept(Request request, String email) {
        validate(request);
        String code = HostedAuth.randomToken(24);
        String challenge = request.codeChallenge() == null ? null
                : "plain".equals(request.codeChallengeMethod()) ? request.codeChallenge() : "S256:" + request.codeChallenge();
        codes.put(code, new PendingCode(request.clientId(), email, request.redirectUri(), challenge, Instant.now().plus(config.codeLifetime())));
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

    /** What Nylas does with a code of its own app, server to server: the mailbox it signs in, once. Null for a bad code. */
    public String redeem(String code, String redirectUri) {
        PendingCode pending = code == null ? null : codes.remove(code);
        if (pending == null || pending.expiresAt().isBefore(Instant.now()) || !pending.redirectUri().equals(redirectUri)
                || !config.microsoft().clientId().equals(pending.clientId())) {
            return null;
        }
        return pending.email();
    }

    /**
     * {@code POST /{tenant}/oauth2/v2.0/token} with {@code grant_type=authorization_code}, as the customer's app calls it:
     * its credentials, the code (once), the same redirect URI and the PKCE verifier. A refresh token and an ID token
     * whose {@code preferred_username} is the mailbox that signed in.
     */
    public TokenAnswer token(Map<String, String> form) {
        log.count("microsoft.token");
        if (!"authorization_code".equals(form.get("grant_type"))) {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
        }
        if (!config.microsoft().nativeClientId().equals(form.get("client_id"))) {
            return error(400, "unauthorized_client", 700016, "Application with identifier '" + form.get("client_id")
                    + "' was not found in the directory.");
        }
        if (!config.microsoft().nativeClientSecret().equals(form.get("client_secret"))) {
            return error(401, "invalid_client", 7000215, "Invalid client secret provided.");
        }
        String code = form.get("code");
        PendingCode pending = code == null ? null : codes.remove(code);
        if (pending == null || pending.expiresAt().isBefore(Instant.now()) || !pending.clientId().equals(form.get("client_id"))) {
            log.count("microsoft.code-refused");
            return error(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code"
                    + " or use an existing refresh token.");
        }
        if (!pending.redirectUri().equals(form.get("redirect_uri"))) {
            return error(400, "invalid_grant", 70000, "The redirect_uri does not match the one the code was issued for.");
        }
        if (pending.codeChallenge() != null && !matches(pending.codeChallenge(), form.get("code_verifier"))) {
            log.count("microsoft.pkce-refused");
            return error(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
        }
        String refreshToken = "M.R3_" + HostedAuth.randomToken(48);
        refreshTokens.put(refreshToken, new RefreshGrant(pending.clientId(), pending.email()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("scope", form.getOrDefault("scope", config.microsoft().scopes()));
        body.put("expires_in", 3599);
        body.put("access_token", HostedAuth.randomToken(48));
        body.put("refresh_token", refreshToken);
        body.put("id_token", idToken(pending.clientId(), pending.email()));
        return new TokenAnswer(200, body);
    }

    /** The app and mailbox a refresh token was issued for, as Microsoft knows when Nylas refreshes it; null if none. */
    public RefreshGrant refreshGrant(String refreshToken) {
        return refreshToken == null ? null : refreshTokens.get(refreshToken);
    }

    /** For inspection: every refresh token issued, so a test can look for them where they must not be. */
    public List<String> issuedRefreshTokens() {
        return List.copyOf(refreshTokens.keySet());
    }

    public void reset() {
        codes.clear();
        refreshTokens.clear();
    }

    private static boolean matches(String challenge, String verifier) {
        if (verifier == null) {
            return false;
        }
        if (!challenge.startsWith("S256:")) {
            return challenge.equals(verifier);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return MessageDigest.isEqual(challenge.substring(5).getBytes(StandardCharsets.US_ASCII),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(digest).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ID token as Microsoft's v2.0 endpoint shapes it (signed here with a key of the sandbox's own). */
    private String idToken(String clientId, String email) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", clientId);
        claims.put("iss", "https://login.microsoftonline.com/" + TENANT + "/v2.0");
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + 3600);
        claims.put("name", email.substring(0, email.indexOf('@') < 0 ? email.length() : email.indexOf('@')));
        claims.put("oid", UUID.nameUUIDFromBytes(email.getBytes(StandardCharsets.UTF_8)).toString());
        claims.put("preferred_username", email);
        claims.put("email", email);
        claims.put("tid", TENANT);
        claims.put("ver", "2.0");
        String signed = base64(json(Map.of("alg", "HS256", "typ", "JWT"))) + "." + base64(json(claims));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(idTokenKey, "HmacSHA256"));
            return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Microsoft's error answer: the AADSTS code both in {@code error_codes} and leading the description. */
    private static TokenAnswer error(int status, String error, int code, String text) {
        return new TokenAnswer(status, Map.of("error", error, "error_description", "AADSTS" + code + ": " + text, "error_codes", new int[] { code }));
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
