package io.relink.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The stand-in identity provider is as strict as a real one: PKCE, single-use codes, rotating refresh tokens, signed tokens. */
class IdentityProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REDIRECT = "http://localhost:9999/console/signed-in";
    private static final String VERIFIER = "a-verifier-of-forty-three-characters-or-more-0123";

    private final HttpClient http = HttpClient.newHttpClient();
    private IdentityProvider idp;

    @BeforeEach
    void start() {
        idp = IdentityProvider.builder().start().allowRedirect(REDIRECT);
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void aCodeWorksOnceWithItsVerifierAndGivesSignedTokensWithTheRoles() throws Exception {
        JsonNode discovery = get("/.well-known/openid-configuration");
        assertEquals(idp.issuer(), discovery.get("issuer").asText());

        String code = signIn(IdentityProvider.OPERATOR);
        assertEquals(400, token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "code_verifier", "wrong"))
                .statusCode(), "a wrong verifier is refused");
        String fresh = signIn(IdentityProvider.OPERATOR);
        HttpResponse<String> ok = token(Map.of("grant_type", "authorization_code", "code", fresh, "redirect_uri", REDIRECT, "code_verifier", VERIFIER));
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode tokens = JSON.readTree(ok.body());
        JsonNode claims = verified(tokens.get("id_token").asText());
        assertEquals("Olivia Operator", claims.get("name").asText());
        assertEquals("operator", claims.get("roles").get(0).asText());
        assertEquals("n-1", claims.get("nonce").asText());

        HttpResponse<String> replay = token(Map.of("grant_type", "authorization_code", "code", fresh, "redirect_uri", REDIRECT, "code_verifier", VERIFIER));
        assertEquals(400, replay.statusCode(), "a code works once");
        assertEquals(400, token(Map.of("grant_type", "refresh_token", "refresh_token", tokens.get("refresh_token").asText())).statusCode(),
                "a replayed code revokes what it issued");
    }

    @Test
    void refreshTokensRotateAndEndWithTheSession() throws Exception {
        String code = signIn(IdentityProvider.VIEWER);
        JsonNode first = JSON.readTree(token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "code_verifier", VERIFIER)).body());
        assertEquals("viewer", verified(first.get("id_token").asText()).get("roles").get(0).asText());
        HttpResponse<String> refreshed = token(Map.of("grant_type", "refresh_token", "refresh_token", first.get("refresh_token").asText()));
        assertEquals(200, refreshed.statusCode());
        assertEquals(400, token(Map.of("grant_type", "refresh_token", "refresh_token", first.get("refresh_token").asText())).statusCode(),
                "an old refresh token is refused");
        idp.expireSessions();
        assertEquals(400, token(Map.of("grant_type", "refresh_token", "refresh_token",
                JSON.readTree(refreshed.body()).get("refresh_token").asText())).statusCode(), "an ended session does not refresh");
    }

    @Test
    void anUnregisteredRedirectOrAMissingPkceIsRefused() throws Exception {
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(idp.issuer() + "/authorize?client_id=relink-console"
                + "&response_type=code&scope=openid&redirect_uri=" + enc("http://evil.example/cb"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, foreign.statusCode());
        HttpResponse<String> noPkce = http.send(HttpRequest.newBuilder(URI.create(idp.issuer() + "/authorize?client_id=relink-console"
                + "&response_type=code&scope=openid&state=s&redirect_uri=" + enc(REDIRECT))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, noPkce.statusCode());
        assertTrue(noPkce.headers().firstValue("Location").orElseThrow().contains("error=invalid_request"));
    }

    private String signIn(IdentityProvider.User user) throws Exception {
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(VERIFIER.getBytes(StandardCharsets.US_ASCII)));
        String form = form(Map.of("client_id", IdentityProvider.CLIENT_ID, "redirect_uri", REDIRECT, "response_type", "code", "scope", "openid profile",
                "state", "st", "nonce", "n-1", "code_challenge", challenge, "code_challenge_method", "S256", "username", user.username(),
                "password", user.password()));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(idp.issuer() + "/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, answer.statusCode(), answer.body());
        String location = answer.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?code=") && location.endsWith("&state=st"), location);
        return java.net.URLDecoder.decode(location.substring(location.indexOf("code=") + 5, location.indexOf("&state")), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> token(Map<String, String> fields) throws Exception {
        String basic = Base64.getEncoder().encodeToString((IdentityProvider.CLIENT_ID + ":" + IdentityProvider.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(idp.issuer() + "/token")).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The token's claims, after checking its RS256 signature with the key the JWKS publishes under its kid. */
    private JsonNode verified(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode key = get("/jwks").get("keys").get(0);
        assertEquals(key.get("kid").asText(), header.get("kid").asText());
        Base64.Decoder b64 = Base64.getUrlDecoder();
        var publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, b64.decode(key.get("n").asText())),
                new BigInteger(1, b64.decode(key.get("e").asText()))));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initVerify(publicKey);
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(signature.verify(b64.decode(parts[2])), "signed with the published key");
        JsonNode claims = JSON.readTree(b64.decode(parts[1]));
        assertEquals(idp.issuer(), claims.get("iss").asText());
        return claims;
    }

    private JsonNode get(String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(idp.issuer() + path)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
