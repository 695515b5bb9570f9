package io.relink.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.ServiceProcess;
import io.relink.devstack.KafkaBroker;
import io.relink.devstack.KafkaBrokerProcess;
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
    /** Emails sent before the measured run: the JIT compiles a fresh notifier's hot paths (tens of seconds of CPU) meanwhile. */
    private final int warmUp = Integer.getInteger("bench.pipeline.warm-up", 3_000);

    /**
     * Emails the SMTP server accepted, by the notifier's own records: one count in its database. Its Prometheus page,
     * hundreds of series with the Kafka client's, cost the notifier a tenth of a core when read five times a second.
     */
    static long sent(Database db) {
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM notification WHERE status = 'SENT'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot count the notifier's sent emails", e);
        }
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
                // 32 sends in flight (the default is 8), each on a connection of its own, as the SMTP ceiling is measured.
                Map.entry("relink.notify.parallel-sends", "32")));
        config.putAll(overrides);
        return config;
    }

    /** AccountDetected for accounts {@code from} to {@code to - 1} ({@code bench-<i>}, {@code user<i>@<domain(i)>}), published and flushed. */
    static void publish(TopicClient client, int from, int to, java.util.function.IntFunction<String> domain) {
        UUID scan = UUID.randomUUID();
        for (int i = from; i < to; i++) {
            AccountDetected event = AccountDetected.of(Instant.now(), "bench-" + i, "user" + i + "@" + domain.apply(i), "eas", "running", "paid", scan);
            RecordHeaders headers = new RecordHeaders();
            CloudEventHeaders.write(headers, event, "/relink/bench");
            client.sendAsync(new ProducerRecord<>(Topics.ACCOUNTS, null, event.accountId(), EventCodec.write(event), headers));
        }
        client.flush();
    }

    /** A message as DATA carries it: CRLF line ends, a dot doubled at the start of a line. */
    private static String dotStuffed(String message) {
        return message.replace("\r\n", "\n").replace("\n", "\r\n").replace("\r\n.", "\r\n..");
    }

    /** Waits until the notifier has recorded {@code count} emails sent. */
    private static void awaitSent(ServiceProcess notifier, Database db, int count) throws InterruptedException {
        long t0 = System.nanoTime();
        // Progress from the notifier's own records: asking GreenMail for its thousands of messages every poll would
        // load the two cores it shares with the notifier and measure the harness instead.
        while (sent(db) < count) {
            if ((System.nanoTime() - t0) / 1e9 > 900) {
                throw new IllegalStateException("only " + sent(db) + " of " + count + " emails sent after 15 minutes");
            }
            notifier.pause(200);
        }
    }

    @Override
    public Table run() throws Exception {
        Path work = Files.createTempDirectory("relink-bench-pipeline");
        KafkaBrokerProcess kafka = KafkaBroker.process(work.resolve("kafka"));
        try (kafka; MailServer mail = new MailServer().start();
                Database db = PostgresServer.fromSettings().createTemporary("relink_bench_notifier")) {
            kafka.start();
            kafka.createTopics(Topics.all());
            Map<String, String> config = notifierConfig(kafka, db, mail, Map.of("relink.notify.approval", "auto"));
            try (ServiceProcess notifier = Benchmarks.start("notifier-service", 18082, Service.NOTIFIER.jvmOptions(), config);
                    TopicClient client = new TopicClient(kafka.bootstrapServers())) {
                long warmUpStart = System.nanoTime();
                publish(client, 0, warmUp, i -> "contoso.example");
                awaitSent(notifier, db, warmUp);
                double warmUpSeconds = (System.nanoTime() - warmUpStart) / 1e9;
                CpuMeter cpu = new CpuMeter().add("notifier", notifier::cpuTime).byThread("notifier", notifier.pid()).add("Kafka", kafka::cpuTime)
                        .withPostgres().withHarness("benchmark JVM (producer, SMTP server)").start();
                long t0 = System.nanoTime();
                publish(client, warmUp, warmUp + events, i -> "contoso.example");
                double published = (System.nanoTime() - t0) / 1e9;
                awaitSent(notifier, db, warmUp + events);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (!mail.awaitMessages(warmUp + events, 60_000)) {
                    throw new IllegalStateException("the notifier counted " + (warmUp + events) + " sent but the SMTP server holds " + mail.receivedMessages().size());
                }
                Table table = new Table("pipeline: " + String.format("%,d", events) + " AccountDetected to emails, notifier warmed up, "
                        + String.join(" ", Service.NOTIFIER.jvmOptions()) + ", rate limits off, " + config.get("relink.notify.parallel-sends") + " sends in flight")
                        .row("emails delivered", String.format("%,d", mail.receivedMessages().size() - warmUp), String.format("after %,d to warm up", warmUp))
                        .row("throughput", String.format("%,.0f emails/s", events / seconds), String.format("%.1f s from the first event to the last email", seconds))
                        .row("throughput of the freshly started notifier", String.format("%,.0f emails/s", warmUp / warmUpSeconds),
                                String.format("its first %,d emails, while the JIT compiles", warmUp))
                        .row("events published", String.format("%.1f s", published), "acks=all, idempotent producer");
                cpu.rows(table, events, "email");
                // The same message, as many times, straight to a fresh server of the same kind: what it could take.
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                mail.receivedMessages().get(0).writeTo(raw);
                int connections = Integer.parseInt(config.get("relink.notify.parallel-sends"));
                try (MailServer fresh = new MailServer().start()) {
                    double ceiling = SmtpCeiling.messagesPerSecond(fresh.host(), fresh.port(), connections, events, dotStuffed(raw.toString(StandardCharsets.UTF_8)));
                    table.row("SMTP server's own ceiling", String.format("%,.0f emails/s", ceiling), String.format(
                            "the same %,d-byte message %,d times over %d connections from a bare client in this JVM", raw.size(), events, connections));
                }
                return table;
            }
        }
    }
}
