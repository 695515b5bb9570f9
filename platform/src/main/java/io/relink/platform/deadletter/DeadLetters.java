package io.relink.platform.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import io.relink.events.CloudEventHeaders;
import io.relink.events.Topics;

/**
 * The dead-letter topics, for operators ({@link DeadLetterTool}): what each holds and why (the
 * {@code dead-letter-reason} a consumer gave), and a replay of chosen records, or of all not replayed yet, onto the
 * topic they came from once the cause is fixed. It runs with an operator's Kafka identity, not a service's: a replay
 * writes to topics that only their producing service may write to.
 * The records keep their key, value and CloudEvents headers, so consumers see the same event and, being idempotent,
 * skip it where they had processed it. "Not replayed yet" is the committed position of the consumer group
 * {@value #REPLAY_GROUP} on the dead-letter topic, which a replay of all moves to the end.
 */
public class DeadLetters {
    public static final String REPLAY_GROUP = "relink-dead-letter-replay";
    /** Added to a replayed record: which dead letter it was ({@code <dlq>/<partition>/<offset>}). */
    public static final String REPLAYED_FROM = "relink-replayed-from";
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One record of a dead-letter topic, as an operator reads it. */
    public record DeadLetter(int partition, long offset, String key, Instant timestamp, String sourceTopic, String reason, String cause,
            String eventType, String eventId, boolean replayed) {
    }

    /** Where a record sits on its dead-letter topic. */
    public record Position(int partition, long offset) {
    }

    /** What a replay sent, or would send in a dry run. */
    public record Replay(boolean dryRun, int count, List<DeadLetter> records) {
    }

    private final Map<String, Object> kafkaConfig;

    /** {@code kafkaConfig}: Kafka client settings (bootstrap servers, security), as for any Kafka client. */
    public DeadLetters(Map<String, Object> kafkaConfig) {
        this.kafkaConfig = kafkaConfig;
    }

    /** The first {@code limit} records of {@code dlq}, oldest first, each saying whether it was replayed. */
    public List<DeadLetter> list(String dlq, int limit) {
        requireDeadLetterTopic(dlq);
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            Map<TopicPartition, Long> replayedUpTo = replayedUpTo(consumer, dlq);
            return read(consumer, dlq, beginnings(consumer, dlq), limit).stream()
                    .map(r -> view(dlq, r, r.offset() < replayedUpTo.getOrDefault(new TopicPartition(dlq, r.partition()), 0L))).toList();
        }
    }

    /** Replays every record of {@code dlq} not replayed yet; a dry run only says which. */
    public Replay replayAll(String dlq, boolean dryRun) {
        requireDeadLetterTopic(dlq);
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            // From where the last replay of all ended, or the oldest record the topic still holds, whichever is later.
            Map<TopicPartition, Long> from = beginnings(consumer, dlq);
            replayedUpTo(consumer, dlq).forEach((tp, replayed) -> from.merge(tp, replayed, Math::max));
            List<ConsumerRecord<String, byte[]>> records = read(consumer, dlq, from, Integer.MAX_VALUE);
            Replay replay = send(dlq, records, dryRun);
            if (!dryRun) {
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                consumer.endOffsets(from.keySet()).forEach((tp, end) -> done.put(tp, new OffsetAndMetadata(end)));
                consumer.commitSync(done);
            }
            return replay;
        }
    }

    /** Replays the records at {@code positions}, replayed before or not; a dry run only says which. */
    public Replay replay(String dlq, List<Position> positions, boolean dryRun) {
        requireDeadLetterTopic(dlq);
        if (positions == null || positions.isEmpty()) {
            throw new IllegalArgumentException("say which records to replay: \"records\": [{\"partition\": 0, \"offset\": 12}], or \"all\": true");
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<ConsumerRecord<String, byte[]>> chosen = new ArrayList<>();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions(consumer, dlq));
            for (Position p : positions) {
                TopicPartition tp = new TopicPartition(dlq, p.partition());
                if (!ends.containsKey(tp) || p.offset() < 0 || p.offset() >= ends.get(tp)) {
                    throw new IllegalArgumentException("no record at partition " + p.partition() + ", offset " + p.offset() + " of " + dlq);
                }
                List<ConsumerRecord<String, byte[]>> one = read(consumer, dlq, Map.of(tp, p.offset()), 1);
                if (one.isEmpty() || one.get(0).offset() != p.offset()) {
                    throw new IllegalArgumentException("no record at partition " + p.partition() + ", offset " + p.offset() + " of " + dlq
                            + " (deleted by retention or compacted)");
                }
                chosen.add(one.get(0));
            }
            return send(dlq, chosen, dryRun);
        }
    }

    private Replay send(String dlq, List<ConsumerRecord<String, byte[]>> records, boolean dryRun) {
        List<DeadLetter> views = records.stream().map(r -> view(dlq, r, !dryRun)).toList();
        if (dryRun || records.isEmpty()) {
            return new Replay(dryRun, records.size(), views);
        }
        try (KafkaProducer<String, byte[]> producer = producer()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                RecordHeaders headers = new RecordHeaders();
                for (Header h : r.headers()) {
                    if (!h.key().startsWith("dead-letter-")) {
                        headers.add(h);
                    }
                }
                headers.add(REPLAYED_FROM, (dlq + "/" + r.partition() + "/" + r.offset()).getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(new ProducerRecord<>(sourceTopic(dlq, r), null, r.key(), r.value(), headers)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not acknowledge the replay of " + dlq + "; nothing was marked replayed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying " + dlq, e);
        }
        LOG.infof("replayed %d records of %s onto their source topic", records.size(), dlq);
        return new Replay(false, records.size(), views);
    }

    /** From each partition's position in {@code from} to its end now, at most {@code limit} records, by partition and offset. */
    private static List<ConsumerRecord<String, byte[]>> read(KafkaConsumer<String, byte[]> consumer, String dlq, Map<TopicPartition, Long> from,
            int limit) {
        consumer.assign(from.keySet());
        from.forEach(consumer::seek);
        Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (records.size() < limit && from.keySet().stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(dlq + " could not be read to its end in " + TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                    records.add(r);
                }
            }
        }
        records.sort(Comparator.comparingInt(ConsumerRecord<String, byte[]>::partition).thenComparingLong(ConsumerRecord::offset));
        return records.size() > limit ? records.subList(0, limit) : records;
    }

    private static Map<TopicPartition, Long> beginnings(KafkaConsumer<String, byte[]> consumer, String dlq) {
        return new HashMap<>(consumer.beginningOffsets(partitions(consumer, dlq)));
    }

    private static Map<TopicPartition, Long> replayedUpTo(KafkaConsumer<String, byte[]> consumer, String dlq) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        consumer.committed(Set.copyOf(partitions(consumer, dlq))).forEach((tp, committed) -> {
            if (committed != null) {
                positions.put(tp, committed.offset());
            }
        });
        return positions;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String dlq) {
        return consumer.partitionsFor(dlq).stream().map(p -> new TopicPartition(dlq, p.partition())).toList();
    }

    private static DeadLetter view(String dlq, ConsumerRecord<String, byte[]> r, boolean replayed) {
        return new DeadLetter(r.partition(), r.offset(), r.key(), Instant.ofEpochMilli(r.timestamp()), sourceTopic(dlq, r),
                header(r, "dead-letter-reason"), header(r, "dead-letter-cause"), header(r, CloudEventHeaders.TYPE), header(r, CloudEventHeaders.ID),
                replayed);
    }

    /** The topic the record was dead-lettered from: its header when it names a topic of the contract, else the DLQ's own. */
    private static String sourceTopic(String dlq, ConsumerRecord<String, byte[]> r) {
        String named = header(r, "dead-letter-topic");
        if (named != null && Topics.all().contains(named) && !named.endsWith(Topics.DLQ_SUFFIX)) {
            return named;
        }
        return dlq.substring(0, dlq.length() - Topics.DLQ_SUFFIX.length());
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void requireDeadLetterTopic(String dlq) {
        if (dlq == null || !dlq.endsWith(Topics.DLQ_SUFFIX) || !Topics.all().contains(dlq)) {
            throw new IllegalArgumentException("not a dead-letter topic of Relink: " + dlq + "; they are "
                    + Topics.all().stream().filter(t -> t.endsWith(Topics.DLQ_SUFFIX)).toList());
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, REPLAY_GROUP);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "relink-dead-letters");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<String, byte[]> producer() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "relink-dead-letter-replay");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

}
