package io.relink.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.ServiceProcess;
import io.relink.devstack.KafkaBroker;
import io.relink.devstack.MailServer;
import io.relink.devstack.PostgresServer;
import io.relink.devstack.PostgresServer.Database;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountDetected;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.Topics;

/**
 * From AccountDetected events on Kafka to emails in a real SMTP server: the packaged notifier (its own JVM),
 * with the sending rate limit off.
 */
final class PipelineBenchmark implements Benchmarks.Benchmark {
    private final int events = Integer.getInteger("bench.pipeline.events", 10_000);

    private static final Pattern SENT = Pattern.compile("^relink_notifier_emails_sent_total(?:\\{[^}]*})? ([0-9.eE+]+)", Pattern.MULTILINE);

    /** Emails the SMTP server accepted, by the notifier's own count. */
    static long sent(ServiceProcess notifier) {
        Matcher m = SENT.matcher(notifier.call("GET", "/q/metrics", null));
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /**
     * The packaged notifier's settings for a benchmark: rate limits off, tenant lookups off, 32 sends in flight
     * ({@code overrides} win).
     */
    static Map<String, String> notifierConfig(KafkaBroker kafka, Database db, MailServer mail, Map<String, String> overrides) {
        Map<String, String> config = new java.util.LinkedHashMap<>(Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                Map.entry("quarkus.datasource.jdbc.url", db.jdbcUrl()),
                Map.entry("quarkus.datasource.username", db.user()),
                Map.entry("quarkus.datasource.password", db.password()),
                Map.entry("quarkus.mailer.host", mail.host()),
                Map.entry("quarkus.mailer.port", String.valueOf(mail.port())),
                Map.entry("relink.admin.api-key", "bench-admin-key"),
                Map.entry("relink.public-url", "http://localhost:8083"),
                Map.entry("relink.link.active-key", "bench"),
                Map.entry("relink.link.keys.bench", "bench-only-link-signing-key-0123456789"),
                Map.entry("relink.notify.sender-address", "relink@relink.bench"),
                Map.entry("relink.brand.support-contact", "support@relink.bench"),
                Map.entry("relink.notify.rate-per-minute", "0"),
                Map.entry("relink.notify.rate-per-domain-per-minute", "0"),
                Map.entry("relink.notify.tenant-discovery.enabled", "false"),
                Map.entry("relink.notify.poll-interval", "0.2s"),
                // Each SMTP exchange with GreenMail takes about 240 ms of round trips, not CPU: with the default 8 sends in
                // flight that caps the run near 33 emails/s on an idle machine, so the run uses 32.
                Map.entry("relink.notify.parallel-sends", "32"), Map.entry("quarkus.mailer.max-pool-size", "32")));
        config.putAll(overrides);
        return config;
    }

    /** {@code events} AccountDetected ({@code bench-<i>}, {@code user<i>@<domain(i)>}), published and flushed. */
    static void publish(TopicClient client, int events, java.util.function.IntFunction<String> domain) {
        UUID scan = UUID.randomUUID();
        for (int i = 0; i < events; i++) {
            AccountDetected event = AccountDetected.of(Instant.now(), "bench-" + i, "user" + i + "@" + domain.apply(i), "eas", "running", "paid", scan);
            RecordHeaders headers = new RecordHeaders();
            CloudEventHeaders.write(headers, event, "/relink/bench");
            client.sendAsync(new ProducerRecord<>(Topics.ACCOUNTS, null, event.accountId(), EventCodec.write(event), headers));
        }
        client.flush();
    }

    @Override
    public Table run() throws Exception {
        Path work = Files.createTempDirectory("relink-bench-pipeline");
        try (KafkaBroker kafka = KafkaBroker.process(work.resolve("kafka")).start();
                MailServer mail = new MailServer().start();
                Database db = PostgresServer.fromSettings().createTemporary("relink_bench_notifier")) {
            kafka.createTopics(Topics.all());
            Map<String, String> config = notifierConfig(kafka, db, mail, Map.of("relink.notify.approval", "auto"));
            try (ServiceProcess notifier = Benchmarks.start("notifier-service", 18082, Service.NOTIFIER.jvmOptions(), config);
                    TopicClient client = new TopicClient(kafka.bootstrapServers())) {
                long t0 = System.nanoTime();
                publish(client, events, i -> "contoso.example");
                double published = (System.nanoTime() - t0) / 1e9;
                // Progress from the notifier's own counter: asking GreenMail for its 10,000 messages every poll would
                // load the two cores it shares with the notifier and measure the harness instead.
                while (sent(notifier) < events) {
                    if ((System.nanoTime() - t0) / 1e9 > 900) {
                        throw new IllegalStateException("only " + sent(notifier) + " emails sent after 15 minutes");
                    }
                    notifier.pause(500);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (!mail.awaitMessages(events, 60_000)) {
                    throw new IllegalStateException("the notifier counted " + events + " sent but the SMTP server holds " + mail.receivedMessages().size());
                }
                return new Table("pipeline: " + String.format("%,d", events) + " AccountDetected to emails, notifier -Xmx256m, rate limit off, 32 sends in flight")
                        .row("emails delivered", String.format("%,d", mail.receivedMessages().size()), "")
                        .row("throughput", String.format("%,.0f emails/s", events / seconds), String.format("%.1f s from the first event to the last email", seconds))
                        .row("events published", String.format("%.1f s", published), "acks=all, idempotent producer");
            }
        }
    }
}
