package io.relink.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.relink.devstack.KafkaBroker;
import io.relink.devstack.KafkaBrokerProcess;
import io.relink.devstack.MailServer;
import io.relink.devstack.PostgresServer;
import io.relink.devstack.PostgresServer.Database;
import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.ServiceProcess;
import io.relink.devstack.TopicClient;
import io.relink.events.Topics;

/**
 * A campaign as operators run it, on the packaged notifier: 10,000 detected users over 8 domains held for approval,
 * approved at once, paused mid-send and resumed, under the smooth rate limits. Prints how long each step took, how
 * quickly a pause stopped sending, the pace the limits let through, and that everyone got exactly one email.
 */
final class CampaignBenchmark implements Benchmarks.Benchmark {
    private static final String KEY = "bench-admin-key";
    private final int events = Integer.getInteger("bench.campaign.events", 10_000);
    private final int perMinute = Integer.getInteger("bench.campaign.rate-per-minute", 6_000);
    private final int perDomainPerMinute = Integer.getInteger("bench.campaign.rate-per-domain-per-minute", 1_200);

    @Override
    public Table run() throws Exception {
        Path work = Files.createTempDirectory("relink-bench-campaign");
        KafkaBrokerProcess kafka = KafkaBroker.process(work.resolve("kafka"));
        try (kafka; MailServer mail = new MailServer().start();
                Database db = PostgresServer.fromSettings().createTemporary("relink_bench_campaign")) {
            kafka.start();
            kafka.createTopics(Topics.all());
            Map<String, String> config = PipelineBenchmark.notifierConfig(kafka, db, mail, Map.of("relink.notify.approval", "required",
                    "relink.notify.rate-per-minute", String.valueOf(perMinute),
                    "relink.notify.rate-per-domain-per-minute", String.valueOf(perDomainPerMinute)));
            try (ServiceProcess notifier = Benchmarks.start("notifier-service", 18082, Service.NOTIFIER.jvmOptions(), config);
                    TopicClient client = new TopicClient(kafka.bootstrapServers())) {
                long t0 = System.nanoTime();
                PipelineBenchmark.publish(client, 0, events, i -> "tenant" + (i % 8) + ".example");
                waitFor(() -> awaiting(notifier) == events, t0, "every user held for approval");
                double held = seconds(t0);
                long sentBeforeApproval = PipelineBenchmark.sent(db);

                long approvalStart = System.nanoTime();
                String approval = notifier.call("POST", "/api/approvals", KEY, "{\"all\": true}");
                double approvalSeconds = seconds(approvalStart);

                waitFor(() -> PipelineBenchmark.sent(db) >= events * 3L / 10, approvalStart, "30% sent");
                long pauseStart = System.nanoTime();
                notifier.call("POST", "/api/campaign/pause", KEY, "{\"reason\": \"benchmark\"}");
                double pauseAck = seconds(pauseStart);
                long atPause = PipelineBenchmark.sent(db);
                // Stopped: the count no longer moves for five seconds.
                long[] last = { -1 };
                long[] stableSince = { System.nanoTime() };
                waitFor(() -> {
                    long now = PipelineBenchmark.sent(db);
                    if (now != last[0]) {
                        last[0] = now;
                        stableSince[0] = System.nanoTime();
                    }
                    return seconds(stableSince[0]) >= 5;
                }, pauseStart, "sending stopped");
                double stoppedAfter = (stableSince[0] - pauseStart) / 1e9;
                long afterPause = last[0] - atPause;

                CpuMeter cpu = new CpuMeter().add("notifier", notifier::cpuTime).byThread("notifier", notifier.pid()).add("Kafka", kafka::cpuTime)
                        .withPostgres().withHarness("benchmark JVM (SMTP server)").start();
                long resumeStart = System.nanoTime();
                notifier.call("POST", "/api/campaign/resume", KEY, "{}");
                waitFor(() -> PipelineBenchmark.sent(db) >= events, resumeStart, "everyone emailed");
                double resumed = seconds(resumeStart);
                if (!mail.awaitMessages(events, 60_000)) {
                    throw new IllegalStateException("the SMTP server holds " + mail.receivedMessages().size() + " of " + events);
                }
                Set<String> recipients = new HashSet<>();
                for (var m : mail.receivedMessages()) {
                    recipients.add(m.getAllRecipients()[0].toString());
                }
                int[] pace = pace(db);
                Table table = new Table("campaign: " + String.format("%,d", events) + " users over 8 domains, approval required, paused at 30% and resumed; "
                        + String.format("limits %,d/min global, %,d/min per domain, notifier -Xmx256m", perMinute, perDomainPerMinute))
                        .row("held for approval", String.format("%.1f s", held), String.format("%,d awaiting, %d sent before approval", events, sentBeforeApproval))
                        .row("approve all", String.format("%.0f ms", approvalSeconds * 1000), approval.replaceAll(".*\"approved\":(\\d+).*", "$1 approved, recorded"))
                        .row("pause", String.format("answered in %.0f ms", pauseAck * 1000),
                                String.format("%d emails finished after it (in flight), none after %.1f s", afterPause, stoppedAfter))
                        .row("resume to last email", String.format("%.1f s", resumed), String.format("%,d emails", events - last[0]))
                        .row("pace after resume", String.format("%d/s at most in any second", pace[0]),
                                String.format("global limit %d/s; busiest domain %d/s at most (limit %d/s)", perMinute / 60, pace[1], perDomainPerMinute / 60))
                        .row("delivered", String.format("%,d emails", mail.receivedMessages().size()),
                                String.format("%,d distinct recipients: %s", recipients.size(), recipients.size() == events ? "each exactly once" : "REPEATS"));
                cpu.rows(table, events - last[0], "email after resume");
                return table;
            }
        }
    }

    /** The most emails sent in any one second, overall and to one domain, from the notifier's own records. */
    private static int[] pace(Database db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            int[] pace = new int[2];
            try (ResultSet rs = s.executeQuery("SELECT max(n) FROM (SELECT count(*) AS n FROM notification WHERE sent_at IS NOT NULL "
                    + "GROUP BY date_trunc('second', sent_at)) x")) {
                rs.next();
                pace[0] = rs.getInt(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT max(n) FROM (SELECT count(*) AS n FROM notification n JOIN recipient r USING (account_id) "
                    + "WHERE n.sent_at IS NOT NULL GROUP BY r.domain, date_trunc('second', n.sent_at)) x")) {
                rs.next();
                pace[1] = rs.getInt(1);
            }
            return pace;
        }
    }

    private static long awaiting(ServiceProcess notifier) {
        String state = notifier.call("GET", "/api/campaign", KEY);
        return Long.parseLong(state.replaceAll(".*\"awaitingApproval\":(\\d+).*", "$1"));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, long since, String what) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (seconds(since) > 900) {
                throw new IllegalStateException("not reached within 15 minutes: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
    }
}
