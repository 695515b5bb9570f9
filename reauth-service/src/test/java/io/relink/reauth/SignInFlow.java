package io.relink.reauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.devstack.SandboxProcess;
import io.restassured.response.Response;

/** The browser's part of a hand-over up to the callback, step by step with the redirects checked, against the sandbox. */
final class SignInFlow {
    private static final Pattern INPUT = Pattern.compile("<input type=\"(?:hidden|email)\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");
    private static final Pattern REFRESH = Pattern.compile("<meta http-equiv=\"refresh\" content=\"0; url=([^\"]+)\">");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** The query of the redirect to the callback, and the state cookie the button set. */
    record Callback(String query, String cookie) {
    }

    private SignInFlow() {
    }

    /**
     * Presses the link page's button and follows its page on to the sign-in: in hosted mode Nylas's, which sends the
     * browser on to Microsoft's; in native mode Microsoft's directly, with PKCE. Submits Microsoft's form (as
     * {@code emailOverride} if given) with the button {@code decision}, follows the redirects back (through Nylas in
     * hosted mode) and returns the query of the redirect to the callback, with the state cookie.
     */
    static Callback signIn(SandboxProcess sandbox, String link, String emailOverride, String decision) throws Exception {
        Response start = given().redirects().follow(false).post("/reauth/" + link);
        start.then().statusCode(200).header("Set-Cookie", containsString("HttpOnly")).header("Set-Cookie", containsString("SameSite=Lax"));
        String cookie = start.getCookie("relink_reauth");
        Matcher refresh = REFRESH.matcher(start.asString());
        assertTrue(refresh.find(), "the button's page moves on to the sign-in: " + start.asString());
        URI signIn = URI.create(refresh.group(1).replace("&amp;", "&"));
        URI microsoft;
        if (signIn.getPath().equals("/v3/connect/auth")) {
            assertEquals(sandbox.baseUrl(), signIn.getScheme() + "://" + signIn.getAuthority(), "hosted v3: Nylas's sign-in");
            Map<String, String> query = query(signIn);
            assertEquals("microsoft", query.get("provider"));
            assertEquals("s256", query.get("code_challenge_method"), "Nylas's PKCE");
            microsoft = location(BROWSER.send(HttpRequest.newBuilder(signIn).build(), HttpResponse.BodyHandlers.ofString()));
        } else if (signIn.getPath().equals("/oauth/authorize")) {
            assertEquals(sandbox.baseUrl(), signIn.getScheme() + "://" + signIn.getAuthority(), "hosted: Nylas's sign-in");
            assertTrue(signIn.getRawQuery().contains("redirect_on_error=true"), signIn.toString());
            microsoft = location(BROWSER.send(HttpRequest.newBuilder(signIn).build(), HttpResponse.BodyHandlers.ofString()));
        } else {
            assertEquals(sandbox.baseUrl() + "/common/oauth2/v2.0/authorize", signIn.getScheme() + "://" + signIn.getAuthority() + signIn.getPath(),
                    "native: Microsoft's sign-in, under the configured authority");
            Map<String, String> query = query(signIn);
            assertEquals(SandboxProcess.AZURE_CLIENT_ID, query.get("client_id"));
            assertEquals("S256", query.get("code_challenge_method"));
            assertEquals(43, query.get("code_challenge").length(), "an S256 challenge: 32 bytes, base64url");
            assertTrue(query.get("scope").contains("offline_access"), query.toString());
            microsoft = signIn;
        }
        String page = BROWSER.send(HttpRequest.newBuilder(microsoft).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, String> form = new HashMap<>();
        Matcher m = INPUT.matcher(page);
        while (m.find()) {
            form.put(m.group(1), m.group(2).replace("&amp;", "&"));
        }
        if (emailOverride != null) {
            form.put("email", emailOverride);
        }
        form.put("decision", decision);
        String body = String.join("&", form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
        URI next = location(BROWSER.send(HttpRequest.newBuilder(microsoft).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        if (!next.getPath().equals("/reauth/callback")) {
            next = location(BROWSER.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString())); // back through Nylas
        }
        assertEquals("/reauth/callback", next.getPath());
        return new Callback(next.getRawQuery(), cookie);
    }

    /** The callback as the browser calls it, with the state cookie (none if null), its redirect not followed. */
    static Response callback(String query, String cookie) {
        var request = given().redirects().follow(false);
        if (cookie != null) {
            request = request.cookie("relink_reauth", cookie);
        }
        return request.get("/reauth/callback?" + query);
    }

    /** A URI's query parameters, decoded. */
    static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static URI location(HttpResponse<String> redirect) {
        assertEquals(303, redirect.statusCode(), redirect.uri() + ": " + redirect.body());
        return URI.create(redirect.headers().firstValue("Location").orElseThrow());
    }

    /** The v3 grant as Nylas's API shows it ({@code data} of {@code GET /v3/grants/{id}}), or null when there is none. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> grant(SandboxProcess sandbox, String id) throws Exception {
        HttpResponse<String> r = BROWSER.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/v3/grants/" + id))
                .header("Authorization", "Bearer " + SandboxProcess.API_KEY).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 404 ? null : (Map<String, Object>) JSON.readValue(r.body(), Map.class).get("data");
    }

    /** The account as Nylas's API shows it (application auth with the sandbox's secret). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> account(SandboxProcess sandbox, String id) throws Exception {
        HttpResponse<String> r = BROWSER.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/a/" + SandboxProcess.CLIENT_ID + "/accounts/" + id))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((SandboxProcess.CLIENT_SECRET + ":").getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readValue(r.body(), Map.class);
    }
}
