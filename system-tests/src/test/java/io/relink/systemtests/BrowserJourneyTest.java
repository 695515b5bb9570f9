package io.relink.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import io.relink.devstack.MailServer;
import io.relink.devstack.RelinkSystem;
import io.relink.links.LinkConfig;
import io.relink.links.LinkTokens;
import jakarta.mail.internet.MimeMessage;

/**
 * The hand-over as end users meet it, in a real Chromium: the HTML email as rendered, its button, the link page, the
 * sign-in at Microsoft (the sandbox's stand-in, on another origin than both reauth and Nylas, as in the real world),
 * and back to the done page; Back and the link again afterwards; a cancelled sign-in and its retry; an expired and a
 * tampered link. No page may trip its Content-Security-Policy. Screenshots of every page go to target/screenshots.
 * Reauth in hosted mode (Nylas's page, which sends the browser on to Microsoft's); {@link NativeBrowserJourneyTest}
 * walks the same journeys in native mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserJourneyTest {
    private static final String MICROSOFT_HOST = "127.0.0.1";
    private RelinkSystem system;
    private RelinkProbe probe;
    private List<MimeMessage> emails;

    /** The reauth mode of the journeys: hosted, the default. */
    RelinkSystem.Builder mode(RelinkSystem.Builder builder) {
        return builder;
    }

    /** Screenshots of this mode's pages: {@code name} in hosted mode. */
    String screenshotName(String name) {
        return name;
    }

    @BeforeAll
    void start() throws Exception {
        system = mode(branded(RelinkSystem.builder(Files.createTempDirectory("relink-browser"))
                .accounts(120)
                .adminKey("browser-admin-key")
                .config(RelinkSystem.Service.NOTIFIER, "relink.notify.poll-interval", "0.2s")))
                .start();
        probe = new RelinkProbe(system);
        Set<String> affected = probe.affected();
        probe.awaitScanEnd(probe.startScan(), "COMPLETED", Duration.ofMinutes(2));
        probe.awaitEveryoneEmailed(affected, Duration.ofMinutes(3));
        emails = new ArrayList<>(probe.reauthEmails().values().stream().map(m -> m.get(0)).toList());
        assertTrue(emails.size() >= 6, "enough users for the journeys: " + emails.size());
    }

    /** A customer's brand on the emails and pages, as the README's screenshots show it. */
    private static RelinkSystem.Builder branded(RelinkSystem.Builder builder) {
        for (RelinkSystem.Service service : List.of(RelinkSystem.Service.NOTIFIER, RelinkSystem.Service.REAUTH)) {
            builder.config(service, "relink.brand.product-name", "Contoso CRM").config(service, "relink.brand.accent-color", "#0f766e")
                    .config(service, "relink.brand.support-contact", "help@contoso.example")
                    .config(service, "relink.brand.footer", "Contoso Ltd · 1 Main Street · Springfield");
        }
        return builder;
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void severalUsersReconnectFromTheEmailThroughMicrosoftsSignInOnAnotherOriginAndBackToTheDonePage() throws Exception {
        List<String> migrated = new ArrayList<>();
        for (int user = 0; user < 3; user++) {
            MimeMessage email = emails.get(user);
            String address = email.getAllRecipients()[0].toString();
            try (Chromium chrome = new Chromium()) {
                // The email as the user's mail client shows it; its button is the way in.
                Path html = Files.createDirectories(Path.of("target", "emails")).resolve("reauth-" + user + ".html");
                Files.writeString(html, MailServer.body(email, "text/html"), StandardCharsets.UTF_8);
                chrome.open(html.toUri().toString());
                if (user == 0) {
                    chrome.screenshot(screenshotName("email"));
                }
                chrome.driver().findElement(By.linkText("Reconnect my mailbox")).click();
                chrome.waitFor(d -> path(d).startsWith("/reauth/"));
                assertEquals("Reconnect " + address, chrome.heading());
                String link = chrome.driver().getCurrentUrl();
                chrome.screenshot(screenshotName("link-page"));

                chrome.press("Reconnect my mailbox", d -> MICROSOFT_HOST.equals(host(d)));
                URI signIn = URI.create(chrome.driver().getCurrentUrl());
                assertNotEquals(URI.create(link).getHost(), signIn.getHost(), "the sign-in is on another site than reauth");
                assertEquals("Sign in to your account", chrome.heading());
                assertEquals(address, chrome.driver().findElement(By.id("email")).getAttribute("value"), "login_hint fills in the address");
                chrome.screenshot(screenshotName("sign-in"));

                chrome.press("Accept", d -> "/reauth/done".equals(path(d)));
                assertEquals("Your mailbox is reconnected", chrome.heading());
                assertEquals(null, URI.create(chrome.driver().getCurrentUrl()).getQuery(), "nothing of the callback stays in the address bar");
                chrome.screenshot(screenshotName("done"));

                // Back after done: a readable page (Microsoft's sign-in, as the history holds it), not a browser error
                // such as a form resubmission: the button's POST left no entry of its own.
                chrome.driver().navigate().back();
                chrome.waitFor(d -> !d.findElements(By.tagName("h1")).isEmpty());
                assertFalse(chrome.text().contains("ERR_") || chrome.text().contains("Confirm Form Resubmission"), chrome.text());
                assertEquals("Sign in to your account", chrome.heading());
                chrome.screenshot(screenshotName("back-after-done"));

                chrome.open(link);
                assertEquals("Your mailbox is already reconnected", chrome.heading());
                chrome.screenshot(screenshotName("link-again"));
                assertEquals(List.of(), chrome.cspViolations(), "no page broke its Content-Security-Policy");
            }
            migrated.add(probe.accountIdsByEmail().get(address.toLowerCase(java.util.Locale.ROOT)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.accountsWithStatus("MIGRATED").containsAll(migrated));
        probe.assertSignInsFollowedTheMode(3);
    }

    @Test
    @Order(2)
    void aSignInCancelledAtMicrosoftShowsTheProblemPageWhoseRetryWorks() throws Exception {
        try (Chromium chrome = new Chromium()) {
            chrome.open(RelinkProbe.linkIn(emails.get(3)));
            chrome.press("Reconnect my mailbox", d -> MICROSOFT_HOST.equals(host(d)));
            chrome.press("Cancel", d -> path(d).equals("/reauth/callback"));
            assertEquals("The sign-in was not completed", chrome.heading());
            chrome.screenshot(screenshotName("problem-cancelled"));

            chrome.press("Start again", d -> MICROSOFT_HOST.equals(host(d)));
            chrome.press("Accept", d -> "/reauth/done".equals(path(d)));
            assertEquals("Your mailbox is reconnected", chrome.heading());
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    @Test
    @Order(3)
    void expiredAndTamperedLinksGetAReadablePage() throws Exception {
        String link = RelinkProbe.linkIn(emails.get(4));
        String base = link.substring(0, link.indexOf("/reauth/") + "/reauth/".length());
        String address = emails.get(4).getAllRecipients()[0].toString();
        String id = probe.accountIdsByEmail().get(address.toLowerCase(java.util.Locale.ROOT));
        Map.Entry<String, String> key = system.linkSigningKey();
        LinkTokens tokens = new LinkTokens(new LinkConfig() {
            public Map<String, String> keys() {
                return Map.of(key.getKey(), key.getValue());
            }

            public String activeKey() {
                return key.getKey();
            }

            public Duration lifetime() {
                return Duration.ofDays(14);
            }
        }, Clock.systemUTC());
        String expired = tokens.issue(LinkTokens.Purpose.REAUTH, id, address, Instant.now().minusSeconds(60));
        String token = link.substring(base.length());
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

        try (Chromium chrome = new Chromium()) {
            chrome.open(base + expired);
            assertEquals("This link has expired", chrome.heading());
            assertTrue(chrome.text().contains("14 days"), chrome.text());
            chrome.screenshot(screenshotName("link-expired"));
            chrome.open(base + tampered);
            assertEquals("This link does not work", chrome.heading());
            chrome.screenshot(screenshotName("link-tampered"));
            chrome.open(base + token + ".");
            assertEquals("This link does not work", chrome.heading());
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    private static String host(WebDriver driver) {
        return URI.create(driver.getCurrentUrl()).getHost();
    }

    private static String path(WebDriver driver) {
        String path = URI.create(driver.getCurrentUrl()).getPath();
        return path == null ? "" : path;
    }
}
