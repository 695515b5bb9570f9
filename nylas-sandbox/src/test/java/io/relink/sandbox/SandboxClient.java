package io.relink.sandbox;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What the sandbox tests do often: call the Nylas API as the application, read sign-in pages, and drive the sandbox. */
final class SandboxClient {
    static final String CLIENT_ID = "relink-sandbox-client";
    static final String SECRET = "relink-sandbox-secret";
    static final String ACCOUNTS = "/a/" + CLIENT_ID + "/accounts";
    private static final Pattern FORM_FIELD = Pattern.compile("<input type=\"(?:hidden|email)\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");

    private SandboxClient() {
    }

    static RequestSpecification asApplication() {
        return given().auth().preemptive().basic(SECRET, "");
    }

    /** Pages through every account as the seed script does, with the given page size. */
    static List<Map<String, Object>> allAccounts(int limit) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (int offset = 0;; offset += limit) {
            List<Map<String, Object>> page = asApplication().queryParam("offset", offset).queryParam("limit", limit)
                    .get(ACCOUNTS).then().statusCode(200).extract().jsonPath().getList("$");
            all.addAll(page);
            if (page.size() < limit) {
                return all;
            }
        }
    }

    static void reset() {
        given().post("/sandbox/reset").then().statusCode(200);
    }

    static void faults(String json) {
        given().contentType(ContentType.JSON).body(json).put("/sandbox/faults").then().statusCode(200);
    }

    /** The fields a sign-in page's form posts back (its hidden inputs and the prefilled address). */
    static Map<String, String> formFields(String page) {
        Map<String, String> form = new HashMap<>();
        Matcher m = FORM_FIELD.matcher(page);
        while (m.find()) {
            form.put(m.group(1), m.group(2).replace("&amp;", "&"));
        }
        return form;
    }

    /** A redirect's query parameters, decoded. */
    static Map<String, String> query(URI location) {
        Map<String, String> params = new HashMap<>();
        for (String pair : location.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    /**
     * A refresh token Microsoft issues the customer's Azure app for {@code email}: its sign-in accepted (no PKCE, a
     * confidential app may leave it out) and the code redeemed with the app's secret.
     */
    static String microsoftRefreshToken(String email) {
        String redirect = "http://localhost:8083/reauth/callback";
        Map<String, String> query = Map.of("client_id", "customer-azure-app", "response_type", "code", "redirect_uri", redirect,
                "scope", "offline_access openid", "login_hint", email, "state", "s");
        Map<String, String> form = formFields(given().queryParams(query).get("/common/oauth2/v2.0/authorize").then().statusCode(200).extract().asString());
        form.put("decision", "accept");
        String location = given().redirects().follow(false).contentType(ContentType.URLENC).formParams(form).post("/common/oauth2/v2.0/authorize")
                .then().statusCode(303).extract().header("Location");
        return given().contentType(ContentType.URLENC).formParams("client_id", "customer-azure-app", "client_secret", "customer-azure-secret",
                "grant_type", "authorization_code", "code", query(URI.create(location)).get("code"), "redirect_uri", redirect)
                .post("/common/oauth2/v2.0/token").then().statusCode(200).extract().path("refresh_token");
    }

    static Map<String, Object> groundTruth() {
        return given().get("/sandbox/ground-truth").then().statusCode(200).extract().jsonPath().getMap("$");
    }
}
