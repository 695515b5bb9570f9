package io.relink.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.relink.devstack.IdentityProvider;
import io.relink.devstack.RelinkSystem;
import io.relink.devstack.RelinkSystem.Service;

/**
 * The operators' console in a real Chromium, signed in at the stand-in identity provider on another site (127.0.0.1
 * against the console's localhost): a scan's progress bar to its end, one domain approved and only its users emailed,
 * a pause mid-send that stops sending, and resume; a viewer without controls whose changing requests get 403; every
 * page sends a signed-out browser to the sign-in; an ended session signs in again and keeps what was typed; a forged
 * cross-site POST changes nothing; no page trips its CSP. Screenshots of every page go to target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PAGES = List.of("", "/scans", "/domains", "/campaign", "/accounts", "/problems");

    private RelinkSystem system;
    private RelinkProbe probe;
    private String console;

    @BeforeAll
    void start() throws Exception {
        system = RelinkSystem.builder(Files.createTempDirectory("relink-console"))
                .accounts(400)
                .adminKey("console-test-admin-key")
                .approvalRequired()
                .console()
                // Our own SMTP server, so a domain's mail server can refuse its users (a bounce) until "fixed".
                .unreliableSmtp()
                // Pages slow enough to watch a scan's progress, emails slow enough to pause mid-send.
                .sandbox("relink.sandbox.faults.latency", "200ms")
                .config(Service.SCANNER, "relink.scan.page-size", "5")
                .config(Service.SCANNER, "relink.scan.overlap", "1")
                .config(Service.SCANNER, "relink.scan.concurrency", "1")
                .config(Service.NOTIFIER, "relink.notify.poll-interval", "0.2s")
                .config(Service.NOTIFIER, "relink.notify.rate-per-minute", "90")
                .config(Service.NOTIFIER, "relink.notify.parallel-sends", "1")
                .start();
        probe = new RelinkProbe(system);
        console = system.consoleUrl();
        // A first scan, so the console's scan has one to measure its progress against.
        probe.awaitScanEnd(probe.startScan(), "COMPLETED", Duration.ofMinutes(2));
        await().atMost(Duration.ofMinutes(1)).until(() -> awaitingApproval() > 0 && domains().stream()
                .noneMatch(d -> "PENDING".equals(d.get("classification").asText())));
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void signedOutEveryPageSendsYouToTheSignIn() {
        try (Chromium chrome = new Chromium()) {
            for (String page : PAGES) {
                chrome.open(console + page);
                chrome.waitFor(d -> "127.0.0.1".equals(URI.create(d.getCurrentUrl()).getHost()));
                assertEquals("Sign in to your organization", chrome.heading(), page);
            }
            chrome.screenshot("console-sign-in");
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    @Test
    @Order(2)
    void anOperatorStartsAScanAndWatchesItsProgressBarReachTheEnd() {
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "/scans")) {
            assertSecureCookies(chrome);
            chrome.press("Start a scan", d -> d.getCurrentUrl().contains("notice="));
            // The bar moves while the scan runs (console.js polls), then stands full when it is complete.
            chrome.waitFor(d -> {
                Integer value = progress(d);
                return value != null && value > 0 && value < 100;
            });
            chrome.screenshot("console-scan-running");
            chrome.waitFor(d -> Integer.valueOf(100).equals(progress(d)) && d.findElement(By.cssSelector("[data-field=status]")).getText().equals("COMPLETED"));
            assertTrue(chrome.text().contains(IdentityProvider.OPERATOR.name()), "the history names who started it: " + chrome.text());
            chrome.screenshot("console-scans");
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    @Test
    @Order(3)
    void approvingOneDomainEmailsOnlyItsUsers() {
        // A domain of several users (the page's wording for one is "1 account").
        JsonNode chosen = domains().stream().filter(d -> d.get("counts").get("awaitingApproval").asLong() > 1
                && "EXCHANGE_ONLINE".equals(d.get("classification").asText())).findFirst().orElseThrow();
        String domain = chosen.get("domain").asText();
        long users = chosen.get("counts").get("awaitingApproval").asLong();
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "")) {
            chrome.screenshot("console-overview");
            chrome.driver().findElement(By.linkText("Domains")).click();
            chrome.waitFor(d -> d.getCurrentUrl().endsWith("/console/domains"));
            chrome.screenshot("console-domains");
            chrome.driver().findElement(By.linkText(domain)).click();
            chrome.waitFor(d -> d.getCurrentUrl().endsWith("/console/domains/" + domain));
            chrome.screenshot("console-domain");
            chrome.press("Approve " + users + " accounts", d -> d.getCurrentUrl().contains("notice="));
            assertTrue(chrome.text().contains("Approved " + users + " accounts of " + domain + "; their emails go out now."), chrome.text());

            await().atMost(Duration.ofMinutes(1)).until(() -> recipients().size() == users);
            assertEquals(Set.of(domain), recipients().stream().map(r -> r.substring(r.indexOf('@') + 1)).collect(Collectors.toSet()),
                    "only the approved domain's users are emailed");

            chrome.open(console + "/campaign");
            assertTrue(chrome.driver().findElement(By.id("approvals")).getText()
                    .contains(IdentityProvider.OPERATOR.name() + " <" + IdentityProvider.OPERATOR.email() + ">"), "the approvals log names the person");
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    @Test
    @Order(4)
    void anOperatorSetsADomainsLanguageAndExcludesItUntilPutBack() throws Exception {
        JsonNode chosen = domains().stream().filter(d -> d.get("counts").get("awaitingApproval").asLong() > 0
                && "EXCHANGE_ONLINE".equals(d.get("classification").asText())).findFirst().orElseThrow();
        String domain = chosen.get("domain").asText();
        long awaiting = chosen.get("counts").get("awaitingApproval").asLong();
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "/domains/" + domain)) {
            new org.openqa.selenium.support.ui.Select(chrome.driver().findElement(By.name("locale"))).selectByValue("de");
            chrome.press("Set language", d -> d.getCurrentUrl().contains("notice="));
            assertEquals("de", domain(domain).get("locale").asText());
            // Its users' email is now German, as the preview shows (read inside its sandboxed frame).
            chrome.driver().findElement(By.linkText("Its accounts")).click();
            chrome.waitFor(d -> d.getCurrentUrl().contains("q="));
            chrome.driver().findElement(By.cssSelector("#accounts a[href^='/console/accounts/']")).click();
            chrome.waitFor(d -> d.getCurrentUrl().contains("/console/accounts/"));
            chrome.driver().switchTo().frame(chrome.driver().findElement(By.cssSelector("iframe.preview")));
            chrome.waitFor(d -> d.findElement(By.tagName("body")).getText().contains("Verbinden Sie Ihr Postfach erneut"));
            chrome.driver().switchTo().defaultContent();

            // Excluded, its users stay unemailed even once approved; put back, they are emailed, in German.
            chrome.open(console + "/domains/" + domain);
            chrome.press("Exclude", d -> d.getCurrentUrl().contains("notice="));
            String policy = chrome.driver().findElement(By.id("policy")).getText();
            assertTrue(policy.startsWith("EXCLUDE") && policy.contains("Olivia Operator"), policy);
            chrome.press("Approve " + awaiting + (awaiting == 1 ? " account" : " accounts"), d -> d.getCurrentUrl().contains("notice="));
            assertTrue(chrome.text().contains("their emails stay held while the domain is excluded"), "no promise of emails: " + chrome.text());
            assertEquals(awaiting, domain(domain).get("counts").get("approved").asLong());
            await().atMost(Duration.ofSeconds(20)).until(() -> domain(domain).get("counts").get("held").asLong() == awaiting);
            chrome.screenshot("console-domain-excluded");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> recipients().stream().noneMatch(r -> r.endsWith("@" + domain)));

            chrome.press("Back to its classification", d -> d.getCurrentUrl().contains("notice="));
            assertTrue(chrome.driver().findElement(By.id("policy")).getText().startsWith("default"));
            await().atMost(Duration.ofMinutes(1)).until(() -> recipients().stream().filter(r -> r.endsWith("@" + domain)).count() == awaiting);
            for (jakarta.mail.internet.MimeMessage m : system.mail().receivedMessages()) {
                if (m.getAllRecipients()[0].toString().toLowerCase(Locale.ROOT).endsWith("@" + domain)) {
                    assertTrue(m.getSubject().startsWith("Handlungsbedarf: Verbinden Sie Ihr Postfach erneut"), m.getSubject());
                }
            }
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    @Test
    @Order(5)
    void aBouncedEmailShowsOnProblemsWithWhatToDoAndIsResentOnceFixed() {
        // The smallest domain still awaiting: its mail server refuses its users for good (550) until it is "fixed".
        JsonNode chosen = domains().stream().filter(d -> d.get("counts").get("awaitingApproval").asLong() > 0
                && "EXCHANGE_ONLINE".equals(d.get("classification").asText()))
                .min(java.util.Comparator.comparingLong(d -> d.get("counts").get("awaitingApproval").asLong())).orElseThrow();
        String domain = chosen.get("domain").asText();
        long users = chosen.get("counts").get("awaitingApproval").asLong();
        system.unreliableSmtp().refuseRecipients(address -> address.toLowerCase(Locale.ROOT).endsWith("@" + domain));
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "/domains/" + domain)) {
            chrome.press("Approve " + users + (users == 1 ? " account" : " accounts"), d -> d.getCurrentUrl().contains("notice="));
            await().atMost(Duration.ofMinutes(1)).until(() -> domain(domain).get("counts").get("bounced").asLong() == users);

            chrome.open(console + "/problems");
            String problems = chrome.text();
            assertTrue(problems.contains(users + " × ") && problems.contains("550"), problems);
            chrome.screenshot("console-problems-bounced");
            // Each bounced user is listed by the address support knows them by, and links to their account.
            WebElement bounced = chrome.driver()
                    .findElement(By.xpath("//h2[starts-with(normalize-space(), 'Bounced')]/following-sibling::section[1]//a"));
            String shown = bounced.getText().toLowerCase(Locale.ROOT);
            assertTrue(shown.endsWith("@" + domain), "a bounced user is shown by address: " + shown);
            bounced.click();
            chrome.waitFor(d -> d.getCurrentUrl().contains("/console/accounts/"));
            String email = chrome.heading().toLowerCase(Locale.ROOT);
            assertEquals(shown, email);
            assertTrue(chrome.driver().findElement(By.id("emails")).getText().contains("BOUNCED"));

            system.unreliableSmtp().refuseRecipients(address -> false);
            chrome.press("Resend", d -> d.getCurrentUrl().contains("notice="));
            await().atMost(Duration.ofSeconds(30)).until(() -> recipients().contains(email));
            chrome.open(chrome.driver().getCurrentUrl().replaceAll("\\?.*", ""));
            assertTrue(chrome.driver().findElement(By.id("emails")).getText().contains("SENT"), chrome.driver().findElement(By.id("emails")).getText());
            assertEquals(List.of(), chrome.cspViolations());
        } finally {
            system.unreliableSmtp().refuseRecipients(address -> false);
        }
        // The rest of that domain's bounced users are resent through the API, so later counts add up.
        for (JsonNode n : bouncedEmails()) {
            system.notifier().call("POST", "/api/notifications/" + n.get("id").asText() + "/resend", system.adminKey());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> recipients().stream().filter(r -> r.endsWith("@" + domain)).distinct().count() == users);
    }

    @Test
    @Order(6)
    void pausingMidSendStopsSendingAndResumeGoesOn() {
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "/domains")) {
            chrome.press("Approve every awaiting account", d -> d.getCurrentUrl().contains("notice="));
            int before = recipients().size();
            await().atMost(Duration.ofSeconds(30)).until(() -> recipients().size() >= before + 3);

            chrome.open(console + "/campaign");
            chrome.driver().findElement(By.name("reason")).sendKeys("checking the wording with legal");
            chrome.press("Pause sending", d -> d.getCurrentUrl().contains("notice="));
            assertTrue(chrome.driver().findElement(By.id("sending")).getText().startsWith("Paused"));
            chrome.screenshot("console-campaign-paused");
            // Sends already handed to SMTP finish; then nothing more leaves.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(stableFor(Duration.ofSeconds(3)));
            int paused = recipients().size();
            assertTrue(paused < awaitedEmails(), "paused mid-send: " + paused + " of " + awaitedEmails());
            // Everyone's pages say so: the banner appears on another page too.
            chrome.open(console + "/accounts");
            chrome.waitFor(d -> d.findElement(By.id("campaign-state")).isDisplayed());
            assertTrue(chrome.driver().findElement(By.id("campaign-state")).getText().contains("checking the wording with legal"));
            assertEquals(paused, recipients().size(), "nothing was sent while paused");

            chrome.open(console + "/campaign");
            chrome.press("Resume sending", d -> d.getCurrentUrl().contains("notice="));
            await().atMost(Duration.ofMinutes(2)).until(() -> recipients().size() == awaitedEmails());
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    @Test
    @Order(7)
    void accountsProblemsAndExportsShowWhatHappened() throws Exception {
        String email = recipients().get(0);
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "/accounts")) {
            chrome.driver().findElement(By.name("q")).sendKeys(email.substring(0, email.indexOf('@')));
            chrome.driver().findElement(By.xpath("//button[normalize-space()='Search']")).click();
            chrome.waitFor(d -> d.getCurrentUrl().contains("q="));
            chrome.screenshot("console-accounts");
            chrome.driver().findElement(By.linkText(email)).click();
            chrome.waitFor(d -> d.getCurrentUrl().contains("/console/accounts/"));
            String timeline = chrome.driver().findElement(By.id("timeline")).getText();
            assertTrue(timeline.contains("Detected") && timeline.contains("Email sent"), timeline);
            chrome.driver().findElement(By.name("to")).sendKeys("support-lead@contoso.example");
            chrome.press("Send test copy", d -> d.getCurrentUrl().contains("notice="));
            await().atMost(Duration.ofSeconds(30)).until(() -> recipients().contains("support-lead@contoso.example"));
            chrome.screenshot("console-account");

            chrome.open(console + "/problems");
            assertTrue(chrome.driver().findElement(By.id("dead-letters")).getText().contains("relink.accounts.v1.dlq 0"),
                    chrome.driver().findElement(By.id("dead-letters")).getText());
            chrome.screenshot("console-problems");
            String csv = (String) ((org.openqa.selenium.JavascriptExecutor) chrome.driver()).executeAsyncScript("var done = arguments[0];"
                    + "fetch('/console/export/domains.csv').then(function (r) { return r.text(); }).then(done);");
            assertTrue(csv.startsWith("domain,classification,policy,locale,detected"), csv);
            assertEquals(domains().size() + 1, csv.strip().split("\r?\n").length, csv);
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    @Test
    @Order(8)
    void aViewerSeesNoControlsAndChangingRequestsGet403() {
        try (Chromium chrome = signedIn(IdentityProvider.VIEWER, "/campaign")) {
            for (String page : PAGES) {
                chrome.open(console + page);
                assertEquals(List.of(), chrome.driver().findElements(By.cssSelector("form.action")), "no controls on " + page);
            }
            chrome.open(console + "/campaign");
            chrome.screenshot("console-campaign-viewer");
            // As the pages' own requests are made, with a valid CSRF token: refused for the role.
            Object status = ((org.openqa.selenium.JavascriptExecutor) chrome.driver()).executeAsyncScript("var done = arguments[0];"
                    + "var token = document.querySelector('meta[name=csrf-token]').content;"
                    + "fetch('/console/campaign/pause', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
                    + " body: 'csrf-token=' + encodeURIComponent(token) + '&reason=viewer'}).then(function (r) { done(r.status); });");
            assertEquals(403L, status);
            assertFalse(paused(), "the viewer's pause did nothing");
            assertEquals(List.of(), chrome.cspViolations());
        }
    }

    @Test
    @Order(9)
    void anEndedSessionSignsInAgainAndKeepsWhatWasTyped() {
        IdentityProvider idp = system.identityProvider();
        idp.issueTokensLasting(Duration.ofSeconds(4));
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "/campaign")) {
            Instant signedIn = Instant.now();
            chrome.driver().findElement(By.name("reason")).sendKeys("typed before the session ended");
            idp.expireSessions();
            // The ID token runs out and its refresh is refused: the open page notices (its next poll gets 499) and sends
            // the browser to sign in, keeping the reason typed so far.
            chrome.waitFor(d -> "127.0.0.1".equals(URI.create(d.getCurrentUrl()).getHost()));
            assertTrue(Instant.now().isAfter(signedIn.plusSeconds(3)), "not before the token ran out");
            idp.issueTokensLasting(Duration.ofMinutes(30));
            signIn(chrome, IdentityProvider.OPERATOR);
            chrome.waitFor(d -> d.getCurrentUrl().endsWith("/console/campaign"));
            assertEquals("typed before the session ended", chrome.driver().findElement(By.name("reason")).getAttribute("value"));
            assertFalse(paused(), "the POST did not go out into the sign-in");
            chrome.press("Pause sending", d -> d.getCurrentUrl().contains("notice="));
            assertTrue(paused());
            assertEquals("typed before the session ended", campaign().get("reason").asText());
            chrome.press("Resume sending", d -> d.getCurrentUrl().contains("notice="));
            assertEquals(List.of(), chrome.cspViolations());
        } finally {
            idp.issueTokensLasting(Duration.ofMinutes(30));
        }
    }

    @Test
    @Order(10)
    void aForgedCrossSitePostIsRefused() throws Exception {
        // Another site's page that posts to the console as soon as it loads, in the browser of a signed-in operator.
        HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = ("<!doctype html><html><body><form method=\"post\" action=\"" + console + "/campaign/pause\">"
                + "<input name=\"reason\" value=\"forged\"></form><script>document.forms[0].submit()</script></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        attacker.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        attacker.start();
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "/campaign")) {
            chrome.open("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
            chrome.waitFor(d -> !URI.create(d.getCurrentUrl()).getPath().equals("/"));
            assertFalse(paused(), "the forged POST paused nothing");
            assertFalse(chrome.text().contains("Paused"), chrome.text());
        } finally {
            attacker.stop(0);
        }
    }

    @Test
    @Order(11)
    void onAPhoneEveryPageFitsItsWidthAndTablesScrollInside() {
        try (Chromium chrome = signedIn(IdentityProvider.OPERATOR, "")) {
            chrome.driver().manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            for (String page : PAGES) {
                chrome.open(console + page);
                Object overflow = ((org.openqa.selenium.JavascriptExecutor) chrome.driver()).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertEquals(0L, overflow, "the page " + page + " is wider than the phone");
                assertTrue(chrome.driver().findElement(By.linkText("Problems")).isDisplayed(), "the navigation is on " + page);
                chrome.screenshot("console-phone" + (page.isEmpty() ? "-overview" : page.replace('/', '-')));
            }
        }
    }

    private Chromium signedIn(IdentityProvider.User user, String page) {
        Chromium chrome = new Chromium();
        chrome.open(console + page);
        chrome.waitFor(d -> "127.0.0.1".equals(URI.create(d.getCurrentUrl()).getHost()));
        signIn(chrome, user);
        chrome.waitFor(d -> URI.create(d.getCurrentUrl()).getPath().equals("/console" + page));
        assertTrue(chrome.text().contains(user.name()), chrome.text());
        return chrome;
    }

    private static void signIn(Chromium chrome, IdentityProvider.User user) {
        chrome.driver().findElement(By.name("username")).sendKeys(user.username());
        chrome.driver().findElement(By.name("password")).sendKeys(user.password());
        chrome.driver().findElement(By.xpath("//button[normalize-space()='Sign in']")).click();
    }

    private static void assertSecureCookies(Chromium chrome) {
        Set<Cookie> cookies = chrome.driver().manage().getCookies();
        assertFalse(cookies.isEmpty());
        for (Cookie cookie : cookies) {
            assertTrue(cookie.isHttpOnly() && cookie.isSecure() && cookie.getSameSite() != null, cookie + " " + cookie.getSameSite());
        }
    }

    private static Integer progress(WebDriver d) {
        List<WebElement> bars = d.findElements(By.id("scan-progress"));
        if (bars.isEmpty()) {
            return null;
        }
        // An indeterminate bar has no value attribute; its DOM value then reads 0.
        String value = bars.get(0).getAttribute("value");
        return value == null ? null : (int) Double.parseDouble(bars.get(0).getDomProperty("value"));
    }

    private java.util.concurrent.Callable<Boolean> stableFor(Duration quiet) {
        int[] last = { -1 };
        Instant[] since = { Instant.now() };
        return () -> {
            int now = recipients().size();
            if (now != last[0]) {
                last[0] = now;
                since[0] = Instant.now();
            }
            return Duration.between(since[0], Instant.now()).compareTo(quiet) >= 0;
        };
    }

    /** Everyone emailed so far (a reauth email each, and test copies), lower case. */
    private List<String> recipients() {
        return system.mail().receivedMessages().stream().map(m -> {
            try {
                return m.getAllRecipients()[0].toString().toLowerCase(Locale.ROOT);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The first emails of every affected Exchange Online user, now all approved. */
    private long awaitedEmails() {
        return domains().stream().filter(d -> !"ON_PREMISES".equals(d.get("classification").asText()))
                .mapToLong(d -> d.get("counts").get("approved").asLong()).sum();
    }

    private List<JsonNode> domains() {
        try {
            return List.copyOf(JSON.readTree(system.notifier().call("GET", "/api/domains", system.adminKey())).findParents("domain")).stream()
                    .filter(n -> n.has("counts")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode domain(String domain) {
        return domains().stream().filter(d -> d.get("domain").asText().equals(domain)).findFirst().orElseThrow();
    }

    private List<JsonNode> bouncedEmails() {
        try {
            List<JsonNode> items = new java.util.ArrayList<>();
            JSON.readTree(system.notifier().call("GET", "/api/notifications?status=BOUNCED", system.adminKey())).forEach(items::add);
            return items;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode campaign() {
        try {
            return JSON.readTree(system.notifier().call("GET", "/api/campaign", system.adminKey()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean paused() {
        return campaign().get("paused").asBoolean();
    }

    private long awaitingApproval() {
        return campaign().get("awaitingApproval").asLong();
    }
}
