package io.relink.console.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import io.relink.events.Topics;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How many records each dead-letter topic holds (latest minus earliest offset), read from the broker. A broker that
 * does not answer makes the counts unknown, never the page fail.
 */
@ApplicationScoped
public class DeadLetterCounts {
    /** A dead-letter topic and its records; {@code records} is null when unknown, with {@code error} saying why. */
    public record Count(String topic, Long records, String error) {
    }

    private final Admin admin;

    public DeadLetterCounts(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> config = new LinkedHashMap<>();
        kafka.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "relink-console");
        this.admin = Admin.create(config);
    }

    public List<Count> counts() {
        List<String> topics = Topics.deadLetters();
        try {
            Map<String, List<TopicPartition>> partitions = admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values().stream()
                    .collect(Collectors.toMap(d -> d.name(), d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())).toList()));
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
            partitions.values().forEach(ps -> ps.forEach(p -> {
                latest.put(p, OffsetSpec.latest());
                earliest.put(p, OffsetSpec.earliest());
            }));
            var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest).all().get(5, TimeUnit.SECONDS);
            return topics.stream().map(t -> new Count(t, partitions.getOrDefault(t, List.of()).stream()
                    .mapToLong(p -> ends.get(p).offset() - starts.get(p).offset()).sum(), null)).toList();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = "the broker did not answer: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            return topics.stream().map(t -> new Count(t, null, why)).toList();
        }
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
