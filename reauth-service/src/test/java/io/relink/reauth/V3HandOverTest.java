package io.relink.reauth;

import static io.relink.reauth.SignInFlow.callback;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.SandboxResource;
import io.relink.events.AccountMigrated;
import io.relink.links.LinkTokens.Purpose;
import io.relink.reauth.service.OldGrants;
import jakarta.inject.Inject;

/**
 * The hosted hand-over on Nylas v3 (the default): {@code /v3/connect/auth} with {@code provider=microsoft} and Nylas's
 * PKCE, the code exchanged once with its verifier, and the ews grant's mailbox on a new {@code microsoft} grant.
 * AccountMigrated says both grants, both providers and the v2 account id; the old grant is kept for the grace of
 * {@code relink.reauth.old-grant} (a minute in tests) and then deleted once, a failed deletion tried again.
 */
@QuarkusTest
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = @ResourceArg(name = "relink.sandbox.accounts", value = "500"))
class V3HandOverTest extends ReauthTestBase {
    @Inject
    OldGrants oldGrants;

    @Inject
    Clock clock;

    @BeforeEach
    void reset() {
        sandbox.control("POST", "/sandbox/reset", null);
    }

    @Test
    void theEwsGrantMovesToANewMicrosoftGrantAndAccountMigratedSaysBothWithTheV2AccountId() throws Exception {
        Map<String, Object> ews = ewsGrant(0, true);
        String id = (String) ews.get("id");
        String link = links.issue(Purpose.REAUTH, id, (String) ews.get("email"));
        SignInFlow.Callback back = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(back.query(), back.cookie()).then().statusCode(303).header("Location", containsString("/reauth/done"));

        AccountMigrated event = awaitMigrated(id, 1).get(0);
        assertNotEquals(id, event.newAccountId(), "another connector, another grant");
        assertEquals("microsoft", event.provider());
        assertEquals("ews", event.previousProvider());
        assertEquals(ews.get("account_id"), event.v2AccountId());
        assertFalse(event.previousAccountCancelled());
        Map<String, Object> grant = SignInFlow.grant(sandbox, event.newAccountId());
        assertEquals("microsoft", grant.get("provider"));
        assertEquals(ews.get("email"), grant.get("email"));
        assertNotNull(SignInFlow.grant(sandbox, id), "the old grant is kept for the grace");

        admin().get("/api/migrations/" + id).then().statusCode(200).body("newAccountId", equalTo(event.newAccountId()))
                .body("previousProvider", equalTo("ews")).body("v2AccountId", equalTo(ews.get("account_id")))
                .body("oldGrantDeletedAt", nullValue());
        String token = admin().get("/api/migrations/" + id + "/token").then().statusCode(200).extract().path("accessToken");
        assertTrue(token.length() > 30);
        given().get("/reauth/" + link).then().statusCode(200).body(containsString("already reconnected"));
        callback(back.query(), back.cookie()).then().statusCode(200).body(containsString("already reconnected"));
        assertEquals(1, awaitMigrated(id, 1).size());
        assertEquals(1, requests().get("v3.connect.token"), "the code was exchanged once: " + requests());
        assertSecretNowhere(token);
        assertFalse(Files.readString(Path.of("target/reauth-test.log")).contains(SandboxProcess.API_KEY), "the API key is in the log");
    }

    @Test
    void aRefusedVerifierOrACancelledSignInMigratesNothing() throws Exception {
        Map<String, Object> ews = ewsGrant(1, false);
        String id = (String) ews.get("id");
        String link = links.issue(Purpose.REAUTH, id, (String) ews.get("email"));
        SignInFlow.Callback cancelled = SignInFlow.signIn(sandbox, link, null, "cancel");
        callback(cancelled.query(), cancelled.cookie()).then().statusCode(400).body(containsString("The sign-in was not completed"));

        // The code of one browser's sign-in with another browser's state: its verifier is not the code's.
        SignInFlow.Callback first = SignInFlow.signIn(sandbox, link, null, "accept");
        SignInFlow.Callback second = SignInFlow.signIn(sandbox, link, null, "accept");
        callback(withCode(second, first), second.cookie()).then().statusCode(502);
        assertEquals(1, requests().get("v3.connect.pkce-refused"), requests().toString());
        assertNull(migration(id));
    }

    @Test
    void theOldGrantIsDeletedAfterTheGraceNotBeforeOnceAndAFailedDeletionIsTriedAgain() throws Exception {
        String id = migrate(ewsGrant(2, false));
        assertTrue(oldGrants.deleteDue(clock.instant()) >= 0);
        assertNotNull(SignInFlow.grant(sandbox, id), "not before the grace");

        sandbox.control("PUT", "/sandbox/faults", "{\"serverErrorEvery\": 1}");
        try {
            oldGrants.deleteDue(clock.instant().plus(Duration.ofSeconds(61)));
        } finally {
            sandbox.control("PUT", "/sandbox/faults", "{}");
        }
        Map<String, Object> failed = migration(id);
        assertEquals(1, failed.get("oldGrantAttempts"));
        assertTrue(((String) failed.get("oldGrantLastError")).contains("HTTP 5"), failed.toString());
        assertNotNull(SignInFlow.grant(sandbox, id), "still there after the failure");

        oldGrants.deleteDue(clock.instant().plus(Duration.ofMinutes(3)));
        assertNull(SignInFlow.grant(sandbox, id), "deleted once the retry came");
        Map<String, Object> deleted = migration(id);
        assertEquals("DELETED", deleted.get("oldGrantOutcome"));
        assertEquals(2, deleted.get("oldGrantAttempts"));
        assertNull(deleted.get("oldGrantDeleteAt"));
        oldGrants.deleteDue(clock.instant().plus(Duration.ofDays(30)));
        assertEquals(2, migration(id).get("oldGrantAttempts"), "a deleted grant is never asked for again");
        @SuppressWarnings("unchecked")
        Map<String, Object> deletedGrants = (Map<String, Object>) sandboxJson("/sandbox/inspection").get("deleted_grants");
        assertTrue(deletedGrants.containsKey(id));
        // The new grant is the one the user has now: never deleted.
        assertNotNull(SignInFlow.grant(sandbox, (String) deleted.get("newAccountId")));
    }

    @Test
    void aGrantSomeoneElseDeletedFirstIsRecordedAsGoneAlready() throws Exception {
        String id = migrate(ewsGrant(3, false));
        given().header("Authorization", "Bearer " + SandboxProcess.API_KEY).delete(sandbox.baseUrl() + "/v3/grants/" + id).then().statusCode(200);
        oldGrants.deleteDue(clock.instant().plus(Duration.ofMinutes(2)));
        assertEquals("ALREADY_GONE", migration(id).get("oldGrantOutcome"));
        assertEquals(Instant.class, Instant.parse((String) migration(id).get("oldGrantDeletedAt")).getClass());
    }

    /** A whole accepted hand-over; returns the old grant's id. */
    private String migrate(Map<String, Object> ews) throws Exception {
        String id = (String) ews.get("id");
        SignInFlow.Callback back = SignInFlow.signIn(sandbox, links.issue(Purpose.REAUTH, id, (String) ews.get("email")), null, "accept");
        callback(back.query(), back.cookie()).then().statusCode(303);
        awaitMigrated(id, 1);
        return id;
    }

    private static Map<String, Object> migration(String id) {
        var response = admin().get("/api/migrations/" + id);
        return response.statusCode() == 404 ? null : response.then().statusCode(200).extract().jsonPath().getMap("$");
    }

    /** The n-th ews grant of the sandbox (among those migrated from v2, or not), as the scanner would have found it. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> ewsGrant(int n, boolean fromV2) throws Exception {
        List<Map<String, Object>> grants = ((List<Map<String, Object>>) sandboxJson("/sandbox/ground-truth?api=v3").get("ews_grants")).stream()
                .filter(g -> (g.get("account_id") != null) == fromV2).toList();
        return grants.get(n);
    }
}
