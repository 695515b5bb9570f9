package io.relink.notifier;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.Devstack;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.MailServer;
import io.relink.events.AccountDetected;
import io.relink.links.LinkTokens;
import io.relink.notifier.model.Notification;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;

/**
 * The email in the user's language (by the domain's locale, else the default), and the operators' preview and test
 * copy, whose links cannot migrate anything: real Kafka, PostgreSQL and SMTP.
 */
@QuarkusTest
@WithTestResource(DevstackResource.class)
class EmailLanguageAndPreviewTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern LINK = Pattern.compile("http://localhost:8083/reauth/([A-Za-z0-9._-]+)");

    @InjectDevstack
    Devstack devstack;

    @Inject
    LinkTokens links;

    @Test
    void eachDomainsUsersAreEmailedInTheLanguageSetForItAndOthersInTheDefault() throws Exception {
        admin().body("{\"locale\": \"de\"}").put("/api/domains/fabrikam-de.example/locale").then().statusCode(200).body("locale", equalTo("de"));
        admin().body("{\"locale\": \"pt-br\"}").put("/api/domains/contoso-br.example/locale").then().statusCode(200)
                .body("locale", equalTo("pt-BR"));
        admin().body("{\"locale\": \"ja\"}").put("/api/domains/northwind-jp.example/locale").then().statusCode(200);
        admin().body("{\"locale\": \"klingon\"}").put("/api/domains/northwind-jp.example/locale").then().statusCode(400);

        String german = subjectOfEmailTo("fabrikam-de.example");
        assertTrue(german.startsWith("Handlungsbedarf: Verbinden Sie Ihr Postfach erneut"), german);
        String brazilian = subjectOfEmailTo("contoso-br.example");
        assertTrue(brazilian.startsWith("Ação necessária: reconecte sua caixa de correio"), brazilian);
        String japanese = subjectOfEmailTo("northwind-jp.example");
        assertTrue(japanese.startsWith("対応のお願い"), japanese);
        String english = subjectOfEmailTo("tailspin-en.example");
        assertTrue(english.startsWith("Action needed: reconnect your mailbox"), english);
    }

    @Test
    void aPreviewAndATestCopyShowTheUsersEmailWithALinkThatCannotMigrateAnything() throws Exception {
        admin().body("{\"locale\": \"fr\"}").put("/api/domains/wingtip-fr.example/locale").then().statusCode(200);
        AccountDetected user = TestEvents.detected("wingtip-fr.example");
        TestEvents.send(devstack, user, null);
        await().atMost(WAIT).until(() -> devstack.mail().messagesTo(user.email()).size() == 1);

        JsonPath preview = admin().queryParam("kind", "reminder").get("/api/accounts/" + user.accountId() + "/email").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("fr", preview.getString("language"));
        assertEquals(user.email(), preview.getString("to"));
        assertTrue(preview.getString("subject").startsWith("[TEST] Rappel : reconnectez"), preview.getString("subject"));
        assertTrue(preview.getString("html").contains("Ceci est un aperçu"), "the preview says it is one");
        assertOnlyATestLink(preview.getString("text"));

        String operator = "ops-" + user.accountId() + "@customer.example";
        long notifications = QuarkusTransaction.requiringNew().call(() -> Notification.count("accountId", user.accountId()));
        admin().body("{\"to\": \"" + operator + "\"}").post("/api/accounts/" + user.accountId() + "/email/test").then().statusCode(202)
                .body("to", equalTo(operator));
        MimeMessage copy = await().atMost(WAIT).until(() -> devstack.mail().messagesTo(operator), m -> m.size() == 1).get(0);
        assertTrue(copy.getSubject().startsWith("[TEST] Action requise"), copy.getSubject());
        String body = MailServer.body(copy, "text/plain");
        assertTrue(body.contains(operator), "the copy says whom it was sent to");
        assertOnlyATestLink(body);
        assertEquals(1, devstack.mail().messagesTo(user.email()).size(), "the user got nothing more");
        assertEquals(notifications, QuarkusTransaction.requiringNew().call(() -> Notification.count("accountId", user.accountId())),
                "a test copy is no notification");

        admin().body("{\"to\": \"not an address\"}").post("/api/accounts/" + user.accountId() + "/email/test").then().statusCode(400);
        admin().body("{\"to\": \"" + operator + "\"}").post("/api/accounts/nobody-" + user.accountId() + "/email/test").then().statusCode(404);
        admin().queryParam("kind", "sometimes").get("/api/accounts/" + user.accountId() + "/email").then().statusCode(400);
    }

    private void assertOnlyATestLink(String text) {
        Matcher link = LINK.matcher(text);
        assertTrue(link.find(), text);
        links.verify(link.group(1), LinkTokens.Purpose.TEST); // throws unless it is a valid test link
        assertThrows(LinkTokens.InvalidLinkException.class, () -> links.verify(link.group(1), LinkTokens.Purpose.REAUTH),
                "a test link can never start a re-authentication");
    }

    private String subjectOfEmailTo(String domain) throws Exception {
        AccountDetected user = TestEvents.detected(domain);
        TestEvents.send(devstack, user, null);
        List<MimeMessage> mails = await().atMost(WAIT).until(() -> devstack.mail().messagesTo(user.email()), m -> m.size() == 1);
        return mails.get(0).getSubject();
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key").contentType(ContentType.JSON);
    }
}
