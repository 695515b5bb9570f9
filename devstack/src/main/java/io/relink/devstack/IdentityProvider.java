package io.relink.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a customer's OpenID Connect identity provider (Entra ID, Okta, Keycloak), on its own origin, as
 * strict as a real one: discovery, a JWKS, RS256-signed ID and access tokens with a key id, the authorization code
 * flow with PKCE (S256 only, required), exact redirect URIs, codes that expire after a minute and work once (a second
 * use also revokes what the first one issued, as RFC 6749 asks), refresh tokens that rotate (an old one is refused),
 * token lifetimes of its configuration, and RP-initiated logout. Its users sign in on its own page with a password;
 * their roles go into the {@code roles} claim (as Entra's app roles do). {@link #expireSessions()} ends every session
 * at once, as an administrator revoking sign-ins does.
 */
public final class IdentityProvider implements AutoCloseable {
    /** A person who can sign in. */
    public record User(String username, String password, String name, String email, List<String> roles) {
    }

    public static final String CLIENT_ID = "relink-console";
    public static final String CLIENT_SECRET = "relink-console-secret-for-local-runs";
    public static final User OPERATOR = new User("olivia", "olivia-password", "Olivia Operator", "olivia@relink.localhost", List.of("operator"));
    public static final User VIEWER = new User("victor", "victor-password", "Victor Viewer", "victor@relink.localhost", List.of("viewer"));
    /** Signs in, but the console gives her nothing: no role. */
    public static final User NO_ROLE = new User("nora", "nora-password", "Nora Norole", "nora@relink.localhost", List.of());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(1);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private record PendingCode(User user, String clientId, String redirectUri, String challenge, String nonce, Instant expiresAt) {
    }

    private record Session(User user, String sessionId) {
    }

    private record RefreshToken(Session session, Instant expiresAt) {
    }

    private final HttpServer server;
    private final Clock clock;
    private volatile Duration tokenLifetime;
    private final Duration refreshLifetime;
    private final Set<String> redirectUris = ConcurrentHashMap.newKeySet();
    private final Map<String, User> users = new LinkedHashMap<>();
    private final User autoSignIn;
    private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
    private final Map<String, String> usedCodes = new ConcurrentHashMap<>(); // code -> session it started
    private final Map<String, RefreshToken> refreshTokens = new ConcurrentHashMap<>();
    private final Set<String> revokedSessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final KeyPair key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    private IdentityProvider(Builder b) {
        this.clock = b.clock;
        this.tokenLifetime = b.tokenLifetime;
        this.refreshLifetime = b.refreshLifetime;
        this.autoSignIn = b.autoSignIn;
        for (User user : List.of(OPERATOR, VIEWER, NO_ROLE)) {
            users.put(user.username(), user);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.key = generator.generateKeyPair();
            this.keyId = "idp-" + Integer.toHexString(random.nextInt());
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", b.port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "identity-provider");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int port;
        private Clock clock = Clock.systemUTC();
        private Duration tokenLifetime = Duration.ofMinutes(5);
        private Duration refreshLifetime = Duration.ofHours(8);
        private User autoSignIn;

        /** Its port (0, the default: any free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** How long ID and access tokens last (5 minutes unless set). */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /** How long a refresh token lasts (8 hours unless set). */
        public Builder refreshLifetime(Duration lifetime) {
            this.refreshLifetime = lifetime;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** For a local run: the sign-in page signs this user in without asking (every other check still applies). */
        public Builder autoSignIn(User user) {
            this.autoSignIn = user;
            return this;
        }

        public IdentityProvider start() {
            IdentityProvider idp = new IdentityProvider(this);
            idp.server.start();
            return idp;
        }
    }

    /** Its issuer, which is also its base URL. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers a redirect URI of the console; only registered ones are accepted, character for character. */
    public IdentityProvider allowRedirect(String uri) {
        redirectUris.add(uri);
        return this;
    }

    /** Ends every session: refresh tokens stop working, so the next refresh sends the person to sign in again. */
    public void expireSessions() {
        refreshTokens.values().forEach(t -> revokedSessions.add(t.session().sessionId()));
    }

    /** Tokens issued from now on last this long (sessions already signed in keep theirs until they refresh). */
    public void issueTokensLasting(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    /** Token requests so far (codes exchanged and refreshes), for tests. */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** The configuration a console needs to sign people in here. */
    public Map<String, String> consoleConfig() {
        return Map.of("quarkus.oidc.auth-server-url", issuer(), "quarkus.oidc.client-id", CLIENT_ID,
                "quarkus.oidc.credentials.secret", CLIENT_SECRET);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/.well-known/openid-configuration" -> json(exchange, 200, discovery());
                case "/jwks" -> json(exchange, 200, jwks());
                case "/authorize" -> authorize(exchange);
                case "/token" -> token(exchange);
                case "/logout" -> logout(exchange);
                default -> json(exchange, 404, Map.of("error", "not_found"));
            }
        } catch (RuntimeException e) {
            json(exchange, 500, Map.of("error", "server_error", "error_description", String.valueOf(e.getMessage())));
        }
    }

    private Map<String, Object> discovery() {
        String issuer = issuer();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuer);
        d.put("authorization_endpoint", issuer + "/authorize");
        d.put("token_endpoint", issuer + "/token");
        d.put("jwks_uri", issuer + "/jwks");
        d.put("end_session_endpoint", issuer + "/logout");
        d.put("response_types_supported", List.of("code"));
        d.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256"));
        d.put("code_challenge_methods_supported", List.of("S256"));
        d.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        d.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
        return d;
    }

    private Map<String, Object> jwks() {
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        return Map.of("keys", List.of(Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", keyId,
                "n", B64URL.encodeToString(unsigned(pub.getModulus().toByteArray())), "e", B64URL.encodeToString(unsigned(pub.getPublicExponent().toByteArray())))));
    }

    /** GET: the sign-in page (after checking the request); POST: the credentials, then back to the client with a code. */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = "POST".equals(exchange.getRequestMethod()) ? form(exchange) : query(exchange.getRequestURI());
        String clientId = q.get("client_id");
        String redirectUri = q.get("redirect_uri");
        if (!CLIENT_ID.equals(clientId) || redirectUri == null || !redirectUris.contains(redirectUri)) {
            // Never redirect to an unregistered URI: say so on our own page.
            html(exchange, 400, "<h1>Sign-in refused</h1><p>Unknown client or redirect URI " + escape(String.valueOf(redirectUri)) + ".</p>");
            return;
        }
        String state = q.get("state");
        if (!"code".equals(q.get("response_type"))) {
            redirectError(exchange, redirectUri, state, "unsupported_response_type", "only the code flow");
            return;
        }
        if (q.get("scope") == null || !List.of(q.get("scope").split(" ")).contains("openid")) {
            redirectError(exchange, redirectUri, state, "invalid_scope", "openid is required");
            return;
        }
        if (q.get("code_challenge") == null || !"S256".equals(q.get("code_challenge_method"))) {
            redirectError(exchange, redirectUri, state, "invalid_request", "PKCE with S256 is required");
            return;
        }
        User user = autoSignIn;
        if (user == null) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                html(exchange, 200, signInPage(q, null));
                return;
            }
            User named = users.get(q.getOrDefault("username", ""));
            if (named == null || !named.password().equals(q.get("password"))) {
                html(exchange, 200, signInPage(q, "That username and password do not match."));
                return;
            }
            user = named;
        }
        String code = randomToken();
        codes.put(code, new PendingCode(user, clientId, redirectUri, q.get("code_challenge"), q.get("nonce"), clock.instant().plus(CODE_LIFETIME)));
        redirect(exchange, redirectUri + (redirectUri.contains("?") ? "&" : "?") + "code=" + enc(code) + (state == null ? "" : "&state=" + enc(state)));
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        if (!"POST".equals(exchange.getRequestMethod())) {
            json(exchange, 405, Map.of("error", "invalid_request", "error_description", "POST only"));
            return;
        }
        Map<String, String> f = form(exchange);
        if (!clientAuthenticated(exchange, f)) {
            json(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        switch (f.getOrDefault("grant_type", "")) {
            case "authorization_code" -> exchangeCode(exchange, f);
            case "refresh_token" -> refresh(exchange, f);
            default -> json(exchange, 400, Map.of("error", "unsupported_grant_type"));
        }
    }

    private void exchangeCode(HttpExchange exchange, Map<String, String> f) throws IOException {
        String code = f.getOrDefault("code", "");
        String usedBy = usedCodes.get(code);
        if (usedBy != null) {
            revokedSessions.add(usedBy); // a replayed code: what the first use issued is revoked too
            json(exchange, 400, Map.of("error", "invalid_grant", "error_description", "code already used"));
            return;
        }
        PendingCode pending = codes.remove(code);
        if (pending == null || pending.expiresAt().isBefore(clock.instant())) {
            json(exchange, 400, Map.of("error", "invalid_grant", "error_description", "unknown or expired code"));
            return;
        }
        String sessionId = randomToken();
        usedCodes.put(code, sessionId);
        if (!pending.redirectUri().equals(f.get("redirect_uri"))) {
            json(exchange, 400, Map.of("error", "invalid_grant", "error_description", "redirect_uri differs from the authorization request's"));
            return;
        }
        String verifier = f.get("code_verifier");
        if (verifier == null || !B64URL.encodeToString(sha256(verifier)).equals(pending.challenge())) {
            json(exchange, 400, Map.of("error", "invalid_grant", "error_description", "PKCE verification failed"));
            return;
        }
        json(exchange, 200, tokens(new Session(pending.user(), sessionId), pending.nonce()));
    }

    private void refresh(HttpExchange exchange, Map<String, String> f) throws IOException {
        String presented = f.getOrDefault("refresh_token", "");
        RefreshToken token = refreshTokens.remove(presented); // rotation: each refresh token works once
        if (token == null || revokedSessions.contains(token.session().sessionId()) || token.expiresAt().isBefore(clock.instant())) {
            json(exchange, 400, Map.of("error", "invalid_grant", "error_description", "refresh token expired, revoked or used"));
            return;
        }
        json(exchange, 200, tokens(token.session(), null));
    }

    private Map<String, Object> tokens(Session session, String nonce) {
        Instant now = clock.instant();
        User user = session.user();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("sub", "user-" + user.username());
        claims.put("aud", CLIENT_ID);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(tokenLifetime).getEpochSecond());
        claims.put("sid", session.sessionId());
        claims.put("name", user.name());
        claims.put("email", user.email());
        claims.put("preferred_username", user.username());
        claims.put("roles", user.roles());
        Map<String, Object> idClaims = new LinkedHashMap<>(claims);
        if (nonce != null) {
            idClaims.put("nonce", nonce);
        }
        Map<String, Object> accessClaims = new LinkedHashMap<>(claims);
        accessClaims.put("scope", "openid profile email offline_access");
        String refresh = randomToken();
        refreshTokens.put(refresh, new RefreshToken(session, now.plus(refreshLifetime)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("expires_in", tokenLifetime.toSeconds());
        body.put("id_token", sign(idClaims));
        body.put("access_token", sign(accessClaims));
        body.put("refresh_token", refresh);
        return body;
    }

    private void logout(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI());
        String back = q.get("post_logout_redirect_uri");
        refreshTokens.values().forEach(t -> revokedSessions.add(t.session().sessionId()));
        if (back != null && redirectUris.stream().anyMatch(u -> URI.create(u).resolve("/").toString().equals(URI.create(back).resolve("/").toString()))) {
            redirect(exchange, back);
        } else {
            html(exchange, 200, "<h1>Signed out</h1>");
        }
    }

    private boolean clientAuthenticated(HttpExchange exchange, Map<String, String> f) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8).split(":", 2);
            return pair.length == 2 && CLIENT_ID.equals(URLDecoder.decode(pair[0], StandardCharsets.UTF_8))
                    && CLIENT_SECRET.equals(URLDecoder.decode(pair[1], StandardCharsets.UTF_8));
        }
        return CLIENT_ID.equals(f.get("client_id")) && CLIENT_SECRET.equals(f.get("client_secret"));
    }

    private String signInPage(Map<String, String> q, String error) {
        StringBuilder hidden = new StringBuilder();
        for (String name : List.of("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method")) {
            if (q.get(name) != null) {
                hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(escape(q.get(name))).append("\">");
            }
        }
        return "<h1>Sign in to your organization</h1>" + (error == null ? "" : "<p role=\"alert\">" + escape(error) + "</p>")
                + "<form method=\"post\" action=\"/authorize\">" + hidden
                + "<label>Username <input name=\"username\" autocomplete=\"username\"></label>"
                + "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>"
                + "<button type=\"submit\">Sign in</button></form>";
    }

    private String sign(Map<String, Object> claims) {
        try {
            String header = B64URL.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT", "kid", keyId)));
            String payload = B64URL.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key.getPrivate());
            signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + B64URL.encodeToString(signature.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return B64URL.encodeToString(bytes);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static Map<String, String> query(URI uri) {
        return parse(uri.getRawQuery());
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Map<String, String> parse(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void redirectError(HttpExchange exchange, String redirectUri, String state, String error, String description) throws IOException {
        redirect(exchange, redirectUri + (redirectUri.contains("?") ? "&" : "?") + "error=" + enc(error) + "&error_description=" + enc(description)
                + (state == null ? "" : "&state=" + enc(state)));
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(302, -1);
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void html(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"></head><body><main>" + body + "</main></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; form-action 'self' http://localhost:* http://127.0.0.1:*");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
