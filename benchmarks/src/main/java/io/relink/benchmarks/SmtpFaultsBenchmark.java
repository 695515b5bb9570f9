package io.relink.benchmarks;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.devstack.RelinkSystem;
import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.UnreliableSmtpServer;
import io.relink.devstack.UnreliableSmtpServer.Fault;
import jakarta.mail.internet.MimeMessage;

/**
 * The whole system against an SMTP relay that withholds every 10th reply (it takes the message, then stays silent on
 * an open connection): how long until every affected user has the initial email, and how many got it twice. About one
 * account in seven is affected, so the default 21,000 accounts give some 3,000 users ({@code bench.smtp.accounts}).
 */
final class SmtpFaultsBenchmark implements Benchmarks.Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UNKNOWN = Pattern.compile("^relink_notifier_emails_outcome_unknown_total(?:\\{[^}]*})? ([0-9.eE+]+)", Pattern.MULTILINE);
    private final long accounts = Long.getLong("bench.smtp.accounts", 21_000);

    @Override
    public Table run() throws Exception {
        try (RelinkSystem system = RelinkSystem.builder(Files.createTempDirectory("relink-bench-smtp")).accounts(accounts)
                .adminKey("bench-admin-key").unreliableSmtp()
                .config(Service.NOTIFIER, "relink.notify.poll-interval", "0.2s")
                .config(Service.NOTIFIER, "relink.notify.rate-per-minute", "0")
                .config(Service.NOTIFIER, "relink.notify.rate-per-domain-per-minute", "0")
                .config(Service.NOTIFIER, "relink.notify.parallel-sends", "32")
                .config(Service.NOTIFIER, "relink.notify.smtp.command-timeout", "10s")
                .config(Service.NOTIFIER, "relink.notify.sending-lease", "30s")
                .config(Service.NOTIFIER, "relink.notify.recovery-interval", "5s")
                .start()) {
            UnreliableSmtpServer smtp = system.unreliableSmtp().faults(n -> n % 10 == 0 ? Fault.WITHHOLD_REPLY : Fault.NONE);
            int affected = JSON.readTree(system.sandbox().control("GET", "/sandbox/ground-truth?api=" + system.nylasApi(), null)).get("affected").size();
            long t0 = System.nanoTime();
            String scan = JSON.readTree(system.scanner().call("POST", "/api/scans", system.adminKey())).get("id").asText();
            Map<String, Integer> perUser = new HashMap<>();
            // When the first 50%, 90%, 99%, all users had their email: the tail is what the faults cost.
            double[] shares = { 0.5, 0.9, 0.99, 1.0 };
            double[] reachedAt = new double[shares.length];
            int counted = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (perUser.size() < affected || pending(system) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + perUser.size() + " of " + affected + " users emailed after 30 minutes");
                }
                smtp.awaitMessages(counted + 1, 1_000);
                List<MimeMessage> received = smtp.receivedMessages();
                for (MimeMessage m : received.subList(counted, received.size())) {
                    perUser.merge(m.getAllRecipients()[0].toString().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
                }
                counted = received.size();
                for (int i = 0; i < shares.length; i++) {
                    if (reachedAt[i] == 0 && perUser.size() >= shares[i] * affected) {
                        reachedAt[i] = (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int repeats = perUser.values().stream().mapToInt(c -> c - 1).sum();
            Matcher unknown = UNKNOWN.matcher(system.notifier().call("GET", "/q/metrics", null));
            return new Table("SMTP relay withholding every 10th reply: " + affected + " users (scan " + scan.substring(0, 8) + ")")
                    .row("users emailed", perUser.size() + " of " + affected, "every user got the initial email")
                    .row("replies withheld", String.valueOf(smtp.applied(Fault.WITHHOLD_REPLY)), "each ends at the 10 s command timeout")
                    .row("outcomes unknown", unknown.find() ? String.format("%.0f", Double.parseDouble(unknown.group(1))) : "0",
                            "tried again after the 30 s lease")
                    .row("repeats", String.valueOf(repeats), "users who got the email twice; at most one per unknown outcome")
                    .row("half of the users emailed", String.format("%.0f s", reachedAt[0]), "from scan start")
                    .row("90% emailed", String.format("%.0f s", reachedAt[1]), "")
                    .row("99% emailed", String.format("%.0f s", reachedAt[2]), "")
                    .row("every user emailed", String.format("%.0f s", reachedAt[3]), "")
                    .row("total time", String.format("%.0f s", seconds), "until no initial email is pending or sending (retries of unknown outcomes settled), 32 sends in flight")
                    .row("users emailed per second", String.format("%.1f", perUser.size() / reachedAt[3]), "until every user was emailed");
        }
    }

    /** Initial emails still PENDING or SENDING at the notifier. */
    private static int pending(RelinkSystem system) throws Exception {
        int count = 0;
        for (String status : new String[] { "PENDING", "SENDING" }) {
            for (JsonNode n : JSON.readTree(system.notifier().call("GET", "/api/notifications?status=" + status, system.adminKey()))) {
                count += "INITIAL".equals(n.get("kind").asText()) ? 1 : 0;
            }
        }
        return count;
    }
}
