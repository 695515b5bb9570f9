package io.relink.reauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.SandboxResource;
import io.relink.links.LinkTokens;
import io.relink.links.LinkTokens.Purpose;
import io.relink.reauth.model.OAuthState;
import jakarta.inject.Inject;

/**
 * The pages speak the browser's language (Accept-Language) and wear the customer's brand; a test email's link opens a
 * page that says so and starts nothing.
 */
@QuarkusTest
@TestProfile(PagesLanguageAndBrandTest.Brand.class)
@WithTestResource(DevstackResource.class)
@WithTestResource(value = SandboxResource.class, initArgs = @ResourceArg(name = SandboxResource.NYLAS_API, value = "v2"))
class PagesLanguageAndBrandTest {
    public static class Brand implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relink.brand.product-name", "Contoso CRM", "relink.brand.support-contact", "help@contoso.example",
                    "relink.brand.footer", "Contoso Ltd, 1 Main Street, Springfield", "relink.brand.accent-color", "#0f766e");
        }
    }

    @Inject
    LinkTokens links;

    @Test
    void theLinkPageSpeaksTheBrowsersLanguageAndNamesTheProductAndWhomToAsk() {
        String link = links.issue(Purpose.REAUTH, "acc-lang-1", "jane@contoso.example");
        given().header("Accept-Language", "de-DE,de;q=0.9,en;q=0.5").get("/reauth/" + link).then().statusCode(200)
                .body(containsString("<html lang=\"de\">")).body(containsString("jane@contoso.example neu verbinden"))
                .body(containsString("mit Contoso CRM verbunden")).body(containsString("Mein Postfach neu verbinden"))
                .body(containsString("Fragen? Wenden Sie sich an help@contoso.example."))
                .body(containsString("Contoso Ltd, 1 Main Street, Springfield")).header("Vary", containsString("Accept-Language"));
        given().header("Accept-Language", "ja").get("/reauth/" + link).then().statusCode(200).body(containsString("メールボックスを再接続する"));
        given().header("Accept-Language", "pt-BR").get("/reauth/" + link).then().statusCode(200)
                .body(containsString("Reconectar minha caixa de correio"));
        given().header("Accept-Language", "sv-SE").get("/reauth/" + link).then().statusCode(200).body(containsString("<html lang=\"en\">"))
                .body(containsString("Reconnect my mailbox"));
        given().get("/reauth/brand.css").then().statusCode(200).contentType(containsString("text/css")).body(containsString("#0f766e"));
        given().get("/reauth/brand/logo").then().statusCode(404);
    }

    @Test
    void refusalsAreExplainedInTheBrowsersLanguage() {
        String expired = links.issue(Purpose.REAUTH, "acc-lang-2", "jane@contoso.example", Instant.now().minusSeconds(60));
        given().header("Accept-Language", "fr").get("/reauth/" + expired).then().statusCode(400).body(containsString("Ce lien a expiré"))
                .body(containsString("14 jours"));
        given().header("Accept-Language", "es").get("/reauth/not-a-link").then().statusCode(400).body(containsString("Este enlace no funciona"));
    }

    @Test
    void aTestEmailsLinkOpensAPageSayingSoAndCanStartNothing() {
        String test = links.issue(Purpose.TEST, "acc-test-1", "ops@contoso.example");
        given().header("Accept-Language", "de").get("/reauth/" + test).then().statusCode(200)
                .body(containsString("Dieser Link stammt aus einer Test-E-Mail")).body(not(containsString("<form")));
        given().header("Sec-Fetch-Site", "same-origin").post("/reauth/" + test).then().statusCode(200)
                .body(containsString("This link is from a test email"));
        given().get("/q/metrics").then().body(containsString("relink_reauth_refusals_total{reason=\"TEST_LINK\"}"));
        org.junit.jupiter.api.Assertions.assertEquals(0L,
                QuarkusTransaction.requiringNew().call(() -> OAuthState.count("accountId", "acc-test-1")), "no sign-in was started");
        given().get("/reauth/done").then().statusCode(200).body(containsString("<html lang=\"en\">"))
                .body(containsString("Your mailbox is reconnected")).body(containsString("help@contoso.example"));
        given().header("Accept-Language", "it").get("/reauth/done").then().statusCode(200).body(containsString("<title>La tua casella di posta è di nuovo collegata</title>"));
        given().header("Accept-Language", "nl").get("/reauth/done").then().statusCode(200).header("Content-Security-Policy", containsString("img-src 'self'"))
                .body(containsString("Uw mailbox is weer gekoppeld")).statusCode(equalTo(200));
    }
}
