package io.relink.sandbox;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What the sandbox tests do often: call the Nylas API as the application, and drive the sandbox. */
final class SandboxClient {
    static final String CLIENT_ID = "relink-sandbox-client";
    static final String SECRET = "relink-sandbox-secret";
    static final String ACCOUNTS = "/a/" + CLIENT_ID + "/accounts";

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

    static Map<String, Object> groundTruth() {
        return given().get("/sandbox/ground-truth").then().statusCode(200).extract().jsonPath().getMap("$");
    }
}
