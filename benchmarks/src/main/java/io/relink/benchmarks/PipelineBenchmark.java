package io.relink.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

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

    @Override
    public Table run() throws Exception {
        Path work = Files.createTempDirectory("relink-bench-pipeline");
        try (KafkaBroker kafka = KafkaBroker.process(work.resolve("kafka")).start();
                MailServer mail = new MailServer().start();
                Database db = PostgresServer.fromSettings().createTemporary("relink_bench_notifier")) {
            kafka.createTopics(Topics.all());
            Map<String, String> config = Map.ofEntries(
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
                    Map.entry("relink.notify.support-contact", "support@relink.bench"),
                    Map.entry("relink.notify.rate-per-minute", "0"),
                    Map.entry("relink.notify.poll-interval", "0.2s"));
            try (ServiceProcess notifier = Benchmarks.start("notifier-service", 18082, List.of("-Xmx256m"), config);
                    TopicClient client = new TopicClient(kafka.bootstrapServers())) {
                long t0 = System.nanoTime();
                UUID scan = UUID.randomUUID();
                for (int i = 0; i < events; i++) {
                    AccountDetected event = AccountDetected.of(Instant.now(), "bench-" + i, "user" + i + "@contoso.example", "eas",
                            "running", "paid", scan);
                    RecordHeaders headers = new RecordHeaders();
                    CloudEventHeaders.write(headers, event, "/relink/bench");
                    client.sendAsync(new ProducerRecord<>(Topics.ACCOUNTS, null, event.accountId(), EventCodec.write(event), headers));
                }
                client.flush();
                double published = (System.nanoTime() - t0) / 1e9;
                while (mail.receivedMessages().size() < events) {
                    if ((System.nanoTime() - t0) / 1e9 > 900) {
                        throw new IllegalStateException("only " + mail.receivedMessages().size() + " emails after 15 minutes");
                    }
                    mail.awaitMessages(events, 1_000);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Table("pipeline: " + String.format("%,d", events) + " AccountDetected to emails, notifier -Xmx256m, rate limit off")
                        .row("emails delivered", String.format("%,d", mail.receivedMessages().size()), "")
                        .row("throughput", String.format("%,.0f emails/s", events / seconds), String.format("%.1f s from the first event to the last email", seconds))
                        .row("events published", String.format("%.1f s", published), "acks=all, idempotent producer");
            }
        }
    }
}
