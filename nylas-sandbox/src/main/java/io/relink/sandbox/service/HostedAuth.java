package io.relink.sandbox.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.relink.sandbox.config.SandboxConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Nylas hosted authentication, as the browser meets it: {@code /oauth/authorize} sends the browser on to Microsoft's
 * sign-in on another origin ({@link MicrosoftIdentity}), which returns it to Nylas's {@code /oauth/callback}, which
 * sends it to the application's {@code redirect_uri} with a single-use code, or, when the user cancelled, with an
 * error only if the application asked for {@code redirect_on_error=true} (otherwise the user stays on Nylas's error
 * page). Exchanging the code migrates the account to OAuth (keeping its id, or, for the configured share, moving it
 * to a new graph account) and issues a long-lived access token.
 */
@ApplicationScoped
public class HostedAuth {
    /** A failure in Nylas's error form: HTTP status, {@code type} and {@code message}. */
    public static final class NylasError extends RuntimeException {
        private final int status;
        private final String type;

        public NylasError(int status, String type, String message) {
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

    public record TokenResponse(String access_token, String account_id, String email_address, String provider, String token_type) {
    }

    public record AuthorizeRequest(String clientId, String redirectUri, String responseType, String scopes, String loginHint,
            String state, String provider, boolean redirectOnError) {
    }

    /** Where Microsoft sends the browser back to Nylas. */
    public static final String CALLBACK_PATH = "/oauth/callback";

    /** An authorize request waiting for the user at Microsoft; its key is the state Nylas gave Microsoft. */
    private record PendingAuthorization(AuthorizeRequest request, String callbackUri, Instant expiresAt) {
    }

    /** A Nylas code: of hosted authentication (with its redirect URI), or of native authentication (none). */
    private record PendingCode(String accountId, String redirectUri, Instant expiresAt) {
    }

    private static final class IssuedToken {
        final String token;
        volatile boolean revoked;

        IssuedToken(String token) {
            this.token = token;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final SandboxConfig config;
    private final MicrosoftIdentity microsoft;
    private final AccountStore accounts;
    private final RequestLog log;
    private final Map<String, PendingAuthorization> authorizations = new ConcurrentHashMap<>();
    private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
    private final Map<String, List<IssuedToken>> tokensByAccount = new ConcurrentHashMap<>();
    private final Map<String, String> downgraded = new ConcurrentHashMap<>();
    private volatile double newAccountIdShare;

    public HostedAuth(SandboxConfig config, MicrosoftIdentity microsoft, AccountStore accounts, RequestLog log) {
        this.config = config;
        this.microsoft = microsoft;
        this.accounts = accounts;
        this.log = log;
        this.newAccountIdShare = config.newAccountIdShare();
    }

    /** Checks an authorize request; the message says what is wrong, as Nylas's page would. */
    public void validate(AuthorizeRequest request) {
        if (!config.clientId().equals(request.clientId())) {
            throw new NylasError(400, "invalid_request_error", "Unknown client_id.");
        }
        if (!"code".equals(request.responseType())) {
            throw new NylasError(400, "invalid_request_error", "response_type must be 'code'.");
        }
        if (request.redirectUri() == null || !config.redirectUris().contains(request.redirectUri())) {
            throw new NylasError(400, "invalid_request_error", "redirect_uri is not registered for this application.");
        }
        if (request.state() != null && request.state().length() > 255) {
            throw new NylasError(400, "invalid_request_error", "state must be at most 255 characters.");
        }
    }

    /**
     * {@code GET /oauth/authorize}, checked: remembers the request and returns where to send the browser, Microsoft's
     * sign-in at {@code microsoftBase}, which will come back to {@code nylasBase}{@value #CALLBACK_PATH}.
     */
    public String begin(AuthorizeRequest request, String nylasBase, String microsoftBase) {
        validate(request);
        String handle = randomToken(24);
        String callback = nylasBase + CALLBACK_PATH;
        authorizations.put(handle, new PendingAuthorization(request, callback, Instant.now().plus(config.codeLifetime())));
        log.count("oauth.authorize");
        return microsoft.authorizeUrl(microsoftBase, callback, request.loginHint(), handle);
    }

    /**
     * {@code GET /oauth/callback}, Microsoft's answer: to the application with a fresh code for the mailbox the user
     * signed in as; with the error only if it asked for {@code redirect_on_error}, else a {@link NylasError} for
     * Nylas's own error page.
     */
    public String finish(String handle, String microsoftCode, String error) {
        PendingAuthorization pending = handle == null ? null : authorizations.remove(handle);
        if (pending == null || pending.expiresAt().isBefore(Instant.now())) {
            throw new NylasError(400, "invalid_request_error", "This sign-in has expired or was already finished. Go back to the application and start again.");
        }
        AuthorizeRequest request = pending.request();
        if (error != null || microsoftCode == null) {
            log.count("oauth.denied");
            if (!request.redirectOnError()) {
                throw new NylasError(403, "access_denied", "The sign-in was cancelled at the provider.");
            }
            return withParameters(request.redirectUri(), "error", "access_denied", "error_description", "The user denied access.",
                    "state", request.state());
        }
        String email = microsoft.redeem(microsoftCode, pending.callbackUri());
        if (email == null) {
            throw new NylasError(400, "invalid_request_error", "The provider's authorization code was not accepted.");
        }
        Account account = accounts.byEmail(email)
                .orElseThrow(() -> new NylasError(400, "invalid_request_error", "No account for " + email + " in this sandbox."));
        String code = randomToken(24);
        codes.put(code, new PendingCode(account.id(), request.redirectUri(), Instant.now().plus(config.codeLifetime())));
        log.count("oauth.approved");
        return withParameters(request.redirectUri(), "code", code, "state", request.state());
    }

    /** {@code POST /oauth/token}: exchanges a code once. */
    public TokenResponse exchange(String clientId, String clientSecret, String grantType, String code, String redirectUri) {
        if (!config.clientId().equals(clientId) || !config.clientSecret().equals(clientSecret)) {
            throw new NylasError(401, "invalid_request_error", "Invalid client credentials.");
        }
        if (!"authorization_code".equals(grantType)) {
            throw new NylasError(400, "invalid_request_error", "grant_type must be 'authorization_code'.");
        }
        PendingCode pending = code == null ? null : codes.remove(code);
        if (pending == null || pending.expiresAt().isBefore(Instant.now()) || pending.redirectUri() == null) {
            log.count("oauth.code-refused");
            throw new NylasError(400, "invalid_request_error", "Invalid authorization code.");
        }
        if (redirectUri != null && !redirectUri.equals(pending.redirectUri())) {
            throw new NylasError(400, "invalid_request_error", "redirect_uri does not match the authorization request.");
        }
        Migrated migrated = migrate(pending.accountId());
        return new TokenResponse(migrated.accessToken(), migrated.account().id(), migrated.account().email(), migrated.account().provider(),
                "bearer");
    }

    /**
     * Native authentication, {@code POST /connect/authorize}: the application hands Nylas the refresh token its own
     * Azure app got for the mailbox. Checked as Nylas checks it (the app's Nylas client id, office365, the Azure
     * app's credentials, a refresh token Microsoft issued to that app for that mailbox); a single-use code.
     */
    public String connectAuthorize(Map<String, Object> body) {
        log.count("connect.authorize");
        if (!config.clientId().equals(body.get("client_id"))) {
            throw new NylasError(400, "invalid_request_error", "Unknown client_id.");
        }
        if (!"office365".equals(body.get("provider"))) {
            throw new NylasError(400, "invalid_request_error", "provider must be 'office365' for Microsoft native authentication.");
        }
        if (!(body.get("settings") instanceof Map<?, ?> settings)) {
            throw new NylasError(400, "invalid_request_error", "settings are required.");
        }
        String emailAddress = body.get("email_address") instanceof String e ? e : null;
        if (emailAddress == null || body.get("scopes") == null) {
            throw new NylasError(400, "invalid_request_error", "email_address and scopes are required.");
        }
        if (!config.microsoft().nativeClientId().equals(settings.get("microsoft_client_id"))
                || !config.microsoft().nativeClientSecret().equals(settings.get("microsoft_client_secret"))) {
            throw new NylasError(403, "invalid_request_error", "The Microsoft client id or secret was not accepted.");
        }
        MicrosoftIdentity.RefreshGrant grant = microsoft.refreshGrant(settings.get("microsoft_refresh_token") instanceof String t ? t : null);
        if (grant == null || !grant.clientId().equals(settings.get("microsoft_client_id"))) {
            log.count("connect.refresh-refused");
            throw new NylasError(403, "invalid_request_error", "Error while refreshing the Microsoft token: invalid_grant.");
        }
        if (!grant.email().equalsIgnoreCase(emailAddress)) {
            throw new NylasError(403, "invalid_request_error", "The credentials belong to another mailbox than " + emailAddress + ".");
        }
        Account account = accounts.byEmail(grant.email())
                .orElseThrow(() -> new NylasError(400, "invalid_request_error", "No account for " + grant.email() + " in this sandbox."));
        String code = randomToken(24);
        codes.put(code, new PendingCode(account.id(), null, Instant.now().plus(config.codeLifetime())));
        return code;
    }

    /** Native authentication, {@code POST /connect/token}: the code, once, for the account object with its access token. */
    public Map<String, Object> connectToken(String clientId, String clientSecret, String code) {
        if (!config.clientId().equals(clientId) || !config.clientSecret().equals(clientSecret)) {
            throw new NylasError(401, "invalid_request_error", "Invalid client credentials.");
        }
        PendingCode pending = code == null ? null : codes.remove(code);
        if (pending == null || pending.expiresAt().isBefore(Instant.now()) || pending.redirectUri() != null) {
            log.count("connect.code-refused");
            throw new NylasError(403, "invalid_request_error", "Invalid code.");
        }
        Migrated migrated = migrate(pending.accountId());
        Account account = migrated.account();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", account.id());
        answer.put("account_id", account.id());
        answer.put("object", "account");
        answer.put("name", "");
        answer.put("email_address", account.email());
        answer.put("provider", account.provider());
        answer.put("organization_unit", "folder");
        answer.put("sync_state", account.syncState());
        answer.put("billing_state", account.billingState());
        answer.put("linked_at", Instant.now().getEpochSecond());
        answer.put("access_token", migrated.accessToken());
        return answer;
    }

    private record Migrated(Account account, String accessToken) {
    }

    /**
     * The account moves to OAuth: its id kept, or, for the configured share, a new graph account. A long-lived access
     * token is issued; the account's password-era token stays until revoked.
     */
    private Migrated migrate(String accountId) {
        Account before = accounts.byId(accountId)
                .orElseThrow(() -> new NylasError(400, "invalid_request_error", "The account no longer exists."));
        Account after = movesToNewId(before)
                ? accounts.addMovedAccount(before, "graph")
                : accounts.update(before.id(), a -> a.withAuthenticationType("oauth").withSyncState("running")).orElseThrow();
        // The account held a token since it was connected with its password; the customer's app may still use it.
        tokensByAccount.computeIfAbsent(before.id(), id -> new ArrayList<>(List.of(new IssuedToken(randomToken(30)))));
        String token = randomToken(30);
        tokensByAccount.computeIfAbsent(after.id(), id -> new ArrayList<>()).add(new IssuedToken(token));
        log.count("oauth.token-issued");
        return new Migrated(after, token);
    }

    /** {@code revoke-all}: revokes every token of the account but {@code keep}; false when it has none. */
    public boolean revokeAll(String accountId, String keep) {
        List<IssuedToken> tokens = tokensByAccount.get(accountId);
        if (tokens == null || tokens.stream().allMatch(t -> t.revoked || t.token.equals(keep))) {
            return false;
        }
        tokens.stream().filter(t -> !t.token.equals(keep)).forEach(t -> t.revoked = true);
        log.count("accounts.revoked");
        return true;
    }

    public void recordDowngrade(String accountId) {
        downgraded.put(accountId, Instant.now().toString());
    }

    public double newAccountIdShare() {
        return newAccountIdShare;
    }

    public void changeNewAccountIdShare(double share) {
        if (share < 0 || share > 1) {
            throw new IllegalArgumentException("new_account_id_share must be between 0 and 1");
        }
        newAccountIdShare = share;
    }

    /** For inspection: per account id, its tokens and whether each is revoked. */
    public Map<String, List<Map<String, Object>>> issuedTokens() {
        Map<String, List<Map<String, Object>>> view = new TreeMap<>();
        tokensByAccount.forEach((account, tokens) -> view.put(account,
                tokens.stream().map(t -> Map.<String, Object>of("access_token", t.token, "revoked", t.revoked)).toList()));
        return view;
    }

    public List<String> downgradedAccounts() {
        return downgraded.keySet().stream().sorted().toList();
    }

    public List<String> revokedAccounts() {
        return tokensByAccount.entrySet().stream().filter(e -> e.getValue().stream().anyMatch(t -> t.revoked))
                .map(Map.Entry::getKey).sorted().toList();
    }

    public void reset() {
        authorizations.clear();
        codes.clear();
        microsoft.reset();
        tokensByAccount.clear();
        downgraded.clear();
        newAccountIdShare = config.newAccountIdShare();
    }

    private boolean movesToNewId(Account account) {
        long roll = Long.remainderUnsigned(AccountGenerator.mix(account.id().hashCode() ^ config.seed()), 10_000);
        return roll < Math.round(newAccountIdShare * 10_000);
    }

    static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** {@code base} with name-value pairs added to its query; a null value is left out (an absent state). */
    static String withParameters(String base, String... namesAndValues) {
        StringBuilder url = new StringBuilder(base);
        char separator = base.contains("?") ? '&' : '?';
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                url.append(separator).append(namesAndValues[i]).append('=').append(encode(namesAndValues[i + 1]));
                separator = '&';
            }
        }
        return url.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
