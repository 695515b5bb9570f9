package io.relink.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.devstack.MailServer;
import io.relink.devstack.RelinkSystem;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.testing.PrometheusText;
import io.relink.devstack.ServiceProcess;
import io.relink.devstack.TopicClient;
import io.relink.devstack.testing.RecordedSpans;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventType;
import io.relink.events.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/** Looks at a running {@link RelinkSystem} from outside, the way its operators and users can: APIs, mailbox, sandbox. */
final class RelinkProbe {
    static final String CONFIRMATION_SUBJECT = "Your mailbox is reconnected";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile("http://localhost:[0-9]+/reauth/[A-Za-z0-9._-]+");

    private final RelinkSystem system;

    RelinkProbe(RelinkSystem system) {
        this.system = system;
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The sandbox's ground truth: the ids a complete scan must find (v2 accounts or v3 grants, as the system calls Nylas). */
    Set<String> affected() {
        Set<String> ids = new HashSet<>();
        json(system.sandbox().control("GET", "/sandbox/ground-truth?api=" + system.nylasApi(), null)).get("affected").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** Tells the sandbox's tenant discovery that Microsoft knows no tenant for these domains: their mailboxes are on-premises. */
    void onPremises(Set<String> domains) {
        try {
            system.sandbox().control("PUT", "/sandbox/tenants", JSON.writeValueAsString(Map.of("on_premises", domains, "unavailable", Set.of())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The registry's accounts whose address is in one of these domains. */
    Set<String> accountsIn(Set<String> domains) {
        Set<String> ids = new HashSet<>();
        accountIdsByEmail().forEach((email, id) -> {
            if (domains.contains(email.substring(email.indexOf('@') + 1))) {
                ids.add(id);
            }
        });
        return ids;
    }

    String startScan() {
        return json(system.scanner().call("POST", "/api/scans", system.adminKey())).get("id").asText();
    }

    JsonNode scan(String id) {
        return json(system.scanner().call("GET", "/api/scans/" + id, system.adminKey()));
    }

    /** Waits for the scan to end, and returns it; fails if it ended otherwise than {@code status}. */
    JsonNode awaitScanEnd(String id, String status, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> !"RUNNING".equals(scan(id).get("status").asText()));
        JsonNode scan = scan(id);
        if (!status.equals(scan.get("status").asText())) {
            throw new AssertionError("scan ended " + scan);
        }
        return scan;
    }

    /** Account ids in the registry with a status, from the CSV export (every row, not a page). */
    Set<String> accountsWithStatus(String status) {
        Set<String> ids = new HashSet<>();
        List<String> lines = csv(status);
        for (String line : lines.subList(1, lines.size())) {
            ids.add(line.substring(0, line.indexOf(',')));
        }
        return ids;
    }

    /** Accounts detected and not yet migrated or resolved: DETECTED, NOTIFIED and NOT_AFFECTED (held, on-premises). */
    Set<String> openAccounts() {
        Set<String> open = accountsWithStatus("DETECTED");
        open.addAll(accountsWithStatus("NOTIFIED"));
        open.addAll(accountsWithStatus("NOT_AFFECTED"));
        return open;
    }

    /** Every registry row of a status as CSV lines, header first. */
    List<String> csv(String status) {
        var response = system.scanner().request("GET", "/api/accounts?status=" + status, system.adminKey(), null, Map.of("Accept", "text/csv"));
        if (response.statusCode() != 200) {
            throw new AssertionError("accounts CSV answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().lines().filter(l -> !l.isEmpty()).toList();
    }

    /** Registry email address to account id, for the accounts the scanner detected. */
    Map<String, String> accountIdsByEmail() {
        Map<String, String> byEmail = new HashMap<>();
        for (String line : csv("")) {
            String[] cells = line.split(",", -1);
            if (!cells[0].equals("account_id")) {
                byEmail.put(cells[1].toLowerCase(Locale.ROOT), cells[0]);
            }
        }
        return byEmail;
    }

    /** The end offset of every partition of every Relink topic (DLQs too): they move when anything is published. */
    /** The trace ids each account's events of one type carry on the wire (their traceparent headers). */
    Map<String, Set<String>> traceIdsByAccount(EventType type) {
        try (TopicClient client = new TopicClient(system.kafka().bootstrapServers())) {
            Map<String, Set<String>> traces = new HashMap<>();
            for (var record : client.readFromBeginning(type.topic(), Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                if (type.ceType().equals(CloudEventHeaders.read(record.headers(), CloudEventHeaders.TYPE))) {
                    traces.computeIfAbsent(record.key(), k -> new HashSet<>()).add(String.valueOf(RecordedSpans.traceId(record.headers())));
                }
            }
            return traces;
        }
    }

    Map<TopicPartition, Long> endOffsets() {
        try (Admin admin = system.kafka().admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var d : admin.describeTopics(Topics.all()).allTopicNames().get().values()) {
                d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the topics' end offsets", e);
        }
    }

    /** For a failure message: the funnel, and how far each consumer group has read each topic. */
    String diagnostics() {
        StringBuilder out = new StringBuilder("summary: ").append(system.scanner().request("GET", "/api/summary", system.adminKey(), null).body());
        try (Admin admin = system.kafka().admin()) {
            out.append("\nend offsets: ").append(endOffsets());
            for (String group : List.of("relink-scanner", "relink-notifier")) {
                out.append("\n").append(group).append(" committed: ")
                        .append(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            }
        } catch (Exception e) {
            out.append("\n(offsets unavailable: ").append(e).append(')');
        }
        return out.toString();
    }

    long countWithStatus(String status) {
        JsonNode count = json(system.scanner().call("GET", "/api/summary", system.adminKey())).get("byStatus").get(status);
        return count == null ? 0 : count.asLong();
    }

    /** Every re-authentication email received (confirmations left out), by recipient. */
    Map<String, List<MimeMessage>> reauthEmails() {
        Map<String, List<MimeMessage>> byRecipient = new HashMap<>();
        for (MimeMessage m : system.mail().receivedMessages()) {
            if (!isConfirmation(m)) {
                try {
                    byRecipient.computeIfAbsent(m.getAllRecipients()[0].toString().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(m);
                } catch (MessagingException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return byRecipient;
    }

    /**
     * Waits until every affected account's user has a reauth email. When they do not, the failure says whose is
     * missing, what the notifier holds for them and what its log warned of, since a CI run keeps no service logs.
     */
    void awaitEveryoneEmailed(Set<String> affected, Duration within) {
        try {
            await().atMost(within).until(() -> reauthEmails().size() == affected.size());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(whyNotEmailed(affected), e);
        }
    }

    private String whyNotEmailed(Set<String> affected) {
        Set<String> emailed = reauthEmails().keySet();
        StringBuilder why = new StringBuilder(emailed.size() + " of " + affected.size() + " affected users emailed");
        accountIdsByEmail().forEach((email, id) -> {
            if (affected.contains(id) && !emailed.contains(email)) {
                why.append("\n  ").append(id).append(" <").append(email).append(">: ")
                        .append(system.notifier().call("GET", "/api/notifications?accountId=" + id, system.adminKey()));
            }
        });
        try (Stream<String> lines = Files.lines(system.notifier().log())) {
            List<String> warnings = lines.filter(l -> l.contains("WARN") || l.contains("ERROR")).toList();
            why.append("\nthe notifier's last warnings:");
            warnings.subList(Math.max(0, warnings.size() - 30), warnings.size()).forEach(l -> why.append("\n  ").append(l));
        } catch (IOException | UncheckedIOException e) {
            why.append("\nthe notifier's log is unreadable: ").append(e);
        }
        return why.toString();
    }

    /**
     * Waits until every affected user has an email and no initial email is still waiting to go out (reminders wait
     * days), so a late repeat would already be in the mailbox.
     */
    void awaitEveryInitialEmailSent(Set<String> affected) {
        awaitEveryoneEmailed(affected, Duration.ofMinutes(4));
        await().atMost(Duration.ofMinutes(1)).until(() -> initialEmailsWithStatus("PENDING") + initialEmailsWithStatus("SENDING") == 0);
    }

    /** How many initial emails the notifier holds with this status. */
    long initialEmailsWithStatus(String status) {
        long count = 0;
        for (JsonNode n : json(system.notifier().call("GET", "/api/notifications?status=" + status, system.adminKey()))) {
            count += n.get("kind").asText().equals("INITIAL") ? 1 : 0;
        }
        return count;
    }

    /** Emails received beyond the first of each recipient. */
    int repeats() {
        return reauthEmails().values().stream().mapToInt(m -> m.size() - 1).sum();
    }

    /** One initial email per affected account, to its user; {@code repeatsAllowed} beyond that. */
    void assertOneEmailEach(Set<String> affected, int repeatsAllowed) {
        Map<String, String> idsByEmail = accountIdsByEmail();
        Set<String> emailed = new HashSet<>();
        reauthEmails().keySet().forEach(to -> emailed.add(idsByEmail.get(to)));
        if (!affected.equals(emailed)) {
            throw new AssertionError("every affected user, and only they, get the email; emailed " + emailed.size() + " of " + affected.size());
        }
        if (repeats() > repeatsAllowed) {
            throw new AssertionError(repeats() + " repeated emails; at most " + repeatsAllowed + " may repeat");
        }
    }

    /** A counter of a service's Prometheus metrics (summed over its labels), 0 when it has not been registered. */
    static double metric(ServiceProcess service, String name) {
        return PrometheusText.sum(service.call("GET", "/q/metrics", null), name);
    }

    /** Confirmation emails received ("your mailbox is reconnected"). */
    long confirmations() {
        return system.mail().receivedMessages().stream().filter(RelinkProbe::isConfirmation).count();
    }

    private static boolean isConfirmation(MimeMessage m) {
        try {
            return m.getSubject().startsWith(CONFIRMATION_SUBJECT);
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    /** The re-authentication link in an email's plain-text part. */
    /**
     * That the users' {@code signIns} sign-ins took the path of reauth's mode, as the sandbox saw them. Hosted: each
     * through Nylas's page. Native: none through a Nylas page; each Microsoft code redeemed once and its refresh token
     * handed to Nylas's {@code /connect} once.
     */
    void assertSignInsFollowedTheMode(int signIns) {
        JsonNode requests = json(system.sandbox().control("GET", "/sandbox/inspection", null)).get("requests");
        if (system.nylasApi().equals("v3")) {
            assertEquals(0, requests.path("oauth.authorize").asInt() + requests.path("connect.authorize").asInt(), "no v2 call: " + requests);
            if (system.nativeAuth()) {
                assertEquals(0, requests.path("v3.connect.auth").asInt(), "no user saw a Nylas page: " + requests);
                assertEquals(signIns, requests.path("microsoft.token").asInt(), requests.toString());
                assertEquals(signIns, requests.path("v3.connect.custom").asInt(), requests.toString());
            } else {
                assertEquals(signIns, requests.path("v3.connect.auth").asInt(), "each user went through Nylas's page: " + requests);
                assertEquals(signIns, requests.path("v3.connect.token").asInt(), requests.toString());
                assertEquals(0, requests.path("microsoft.token").asInt(), requests.toString());
            }
        } else if (system.nativeAuth()) {
            assertEquals(0, requests.path("oauth.authorize").asInt(), "no user saw a Nylas page: " + requests);
            assertEquals(signIns, requests.path("microsoft.token").asInt(), requests.toString());
            assertEquals(signIns, requests.path("connect.authorize").asInt(), requests.toString());
        } else {
            assertEquals(signIns, requests.path("oauth.authorize").asInt(), "each user went through Nylas's page: " + requests);
            assertEquals(0, requests.path("microsoft.token").asInt(), requests.toString());
        }
    }

    /**
     * Every secret of the run that must stay where it belongs: the access tokens Nylas issued (v2's new ones and the
     * accounts' password-era ones, v3's from the code exchange), the Microsoft refresh tokens of native mode, the v2 client
     * secret, the v3 API key and webhook secret, and the Azure app's secret.
     */
    List<String> issuedSecrets() {
        JsonNode inspection = json(system.sandbox().control("GET", "/sandbox/inspection", null));
        List<String> secrets = new ArrayList<>(List.of(SandboxProcess.CLIENT_SECRET, SandboxProcess.API_KEY, SandboxProcess.WEBHOOK_SECRET, SandboxProcess.AZURE_CLIENT_SECRET));
        inspection.get("tokens").forEach(tokens -> tokens.forEach(t -> secrets.add(t.get("access_token").asText())));
        inspection.get("microsoft_refresh_tokens").forEach(t -> secrets.add(t.asText()));
        inspection.get("v3_access_tokens").forEach(t -> secrets.add(t.asText()));
        return secrets;
    }

    /** The refresh tokens Microsoft issued to the customer's Azure app (native mode). */
    int microsoftRefreshTokens() {
        return json(system.sandbox().control("GET", "/sandbox/inspection", null)).get("microsoft_refresh_tokens").size();
    }

    static String linkIn(MimeMessage message) {
        Matcher link = LINK.matcher(MailServer.body(message, "text/plain"));
        if (!link.find()) {
            throw new AssertionError("no link in " + MailServer.body(message, "text/plain"));
        }
        return link.group();
    }

    /**
     * A user who keeps trying: opens the link again after an error page or a dropped connection, as people do, until
     * reauth says the mailbox is reconnected; after "being reconnected in another window" (a hand-over cut off by a
     * crash holds the account until its claim lapses) they come back a little later. {@code waitForService} is called
     * after a dropped connection.
     */
    static void reconnectUntilDone(String link, Runnable waitForService) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            try {
                Browser browser = new Browser();
                Browser.Page linkPage = browser.open(link);
                if (linkPage.says("already reconnected")) {
                    return true;
                }
                Browser.Page done = browser.submit(browser.submit(linkPage, Map.of()), Map.of("decision", "accept"));
                return done.says("Your mailbox is reconnected") || done.says("already reconnected");
            } catch (IOException dropped) {
                waitForService.run();
                return false;
            }
        });
    }

    /**
     * One user's whole hand-over: the link's page, its button, on through Nylas to Accept on Microsoft's sign-in page
     * (the sandbox's stand-in, under the other loopback name than Nylas's {@code relink.nylas.browser-url}), back to reauth.
     */
    static Browser.Page reconnect(String link) throws Exception {
        Browser browser = new Browser();
        Browser.Page linkPage = browser.open(link);
        if (!linkPage.says("Reconnect")) {
            throw new AssertionError("link page: " + linkPage);
        }
        Browser.Page signIn = browser.submit(linkPage, Map.of());
        if (!signIn.says("Sign in") || !signIn.uri().getHost().equals("127.0.0.1")) {
            throw new AssertionError("sign-in page: " + signIn);
        }
        return browser.submit(signIn, Map.of("decision", "accept"));
    }
}
