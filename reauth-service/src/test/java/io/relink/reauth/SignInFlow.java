package io.relink.reauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
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
     * Presses the link page's button, follows its page on to Nylas and from there to Microsoft's sign-in, submits that
     * form (as {@code emailOverride} if given) with the button {@code decision}, follows Microsoft's answer back
     * through Nylas and returns the query of the redirect to the callback, with the state cookie.
     */
    static Callback signIn(SandboxProcess sandbox, String link, String emailOverride, String decision) throws Exception {
        Response start = given().redirects().follow(false).post("/reauth/" + link);
        start.then().statusCode(200).header("Set-Cookie", containsString("HttpOnly")).header("Set-Cookie", containsString("SameSite=Lax"));
        String cookie = start.getCookie("relink_reauth");
        Matcher refresh = REFRESH.matcher(start.asString());
        assertTrue(refresh.find(), "the button's page moves on to Nylas: " + start.asString());
        URI authorize = URI.create(refresh.group(1).replace("&amp;", "&"));
        assertEquals(sandbox.baseUrl() + "/oauth/authorize", authorize.getScheme() + "://" + authorize.getAuthority() + authorize.getPath());
        assertTrue(authorize.getRawQuery().contains("redirect_on_error=true"), authorize.toString());
        URI microsoft = location(BROWSER.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.ofString()));
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
        URI backAtNylas = location(BROWSER.send(HttpRequest.newBuilder(microsoft).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        URI callback = location(BROWSER.send(HttpRequest.newBuilder(backAtNylas).build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals("/reauth/callback", callback.getPath());
        return new Callback(callback.getRawQuery(), cookie);
    }

    private static URI location(HttpResponse<String> redirect) {
        assertEquals(303, redirect.statusCode(), redirect.uri() + ": " + redirect.body());
        return URI.create(redirect.headers().firstValue("Location").orElseThrow());
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
