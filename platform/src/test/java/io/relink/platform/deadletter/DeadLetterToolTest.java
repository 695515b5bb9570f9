package io.relink.platform.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.devstack.KafkaBroker;
import io.relink.devstack.TopicClient;
import io.relink.events.CloudEventHeaders;
import io.relink.events.Topics;

/** An operator lists a dead-letter topic, tries a replay dry, replays all, then one record again: with the tool, on a real broker. */
class DeadLetterToolTest {
    private static final String DLQ = Topics.deadLetter(Topics.NOTIFICATIONS);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaBroker.embedded(Files.createTempDirectory("relink-dlq-tool")).start();
        kafka.createTopics(Topics.all());
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void deadLettersAreListedWithTheirReasonAndReplayedOntoTheirSourceTopicOnce() throws Exception {
        String first = "dl-" + UUID.randomUUID();
        String second = "dl-" + UUID.randomUUID();
        try (TopicClient topics = new TopicClient(kafka.bootstrapServers())) {
            topics.send(deadLetter(first));
            topics.send(deadLetter(second));

            JsonNode listed = run(0, "list", DLQ);
            assertEquals("the database was down", byKey(listed, first).get("reason").asText());
            assertEquals(Topics.NOTIFICATIONS, byKey(listed, first).get("sourceTopic").asText());
            assertEquals(false, byKey(listed, second).get("replayed").asBoolean());

            JsonNode dry = run(0, "replay", DLQ, "--all", "--dry-run");
            assertEquals(2, dry.get("count").asInt(), dry.toString());
            assertEquals(0, onSource(topics, first).size(), "a dry run sends nothing");

            assertEquals(2, run(0, "replay", DLQ, "--all").get("count").asInt());
            ConsumerRecord<String, byte[]> replayed = onSource(topics, first).get(0);
            assertEquals("{\"accountId\":\"" + first + "\"}", new String(replayed.value(), StandardCharsets.UTF_8));
            assertEquals("relink.AccountNotified.v1", header(replayed, CloudEventHeaders.TYPE), "its CloudEvents headers");
            assertNull(replayed.headers().lastHeader("dead-letter-reason"), "not its dead-letter headers");
            assertTrue(header(replayed, "relink-replayed-from").startsWith(DLQ + "/"));
            assertEquals(1, onSource(topics, second).size());
            assertTrue(byKey(run(0, "list", DLQ), first).get("replayed").asBoolean());

            assertEquals(0, run(0, "replay", DLQ, "--all").get("count").asInt(), "each record is replayed once by --all");

            JsonNode one = byKey(listed, first);
            run(0, "replay", DLQ, "--record", one.get("partition").asInt() + ":" + one.get("offset").asLong());
            assertEquals(2, onSource(topics, first).size(), "a chosen record goes again, replayed before or not");
        }
    }

    @Test
    void wrongArgumentsSayWhatToSendAndExitWithTwo() {
        assertTrue(runFailing(2, "list", "relink.accounts.v1").contains("relink.accounts.v1.dlq"), "names the dead-letter topics");
        assertTrue(runFailing(2, "replay", DLQ, "--all", "--record", "0:1").contains("either --all or --record"));
        assertTrue(runFailing(2, "replay", DLQ, "--record", "0:999999").contains("no record at partition 0, offset 999999"));
        assertTrue(runFailing(2, "replay", DLQ, "--record", "zero").contains("<partition>:<offset>"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, runWith(Map.of(), new ByteArrayOutputStream(), err, "list", DLQ));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("KAFKA_BOOTSTRAP_SERVERS is not set"));
    }

    private static JsonNode run(int exit, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(exit, runWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), out, err, args), err.toString(StandardCharsets.UTF_8));
        return JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }

    private static String runFailing(int exit, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(exit, runWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), new ByteArrayOutputStream(), err, args));
        return err.toString(StandardCharsets.UTF_8);
    }

    private static int runWith(Map<String, String> environment, ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return DeadLetterTool.run(args, environment, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static JsonNode byKey(JsonNode records, String key) {
        List<JsonNode> found = new ArrayList<>();
        (records.has("records") ? records.get("records") : records).forEach(r -> {
            if (key.equals(r.path("key").asText())) {
                found.add(r);
            }
        });
        assertEquals(1, found.size(), key + " in " + records);
        return found.get(0);
    }

    private static ProducerRecord<String, byte[]> deadLetter(String key) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(DLQ, key, ("{\"accountId\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.TYPE, "relink.AccountNotified.v1".getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("dead-letter-reason", "the database was down".getBytes(StandardCharsets.UTF_8));
        record.headers().add("dead-letter-topic", Topics.NOTIFICATIONS.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static List<ConsumerRecord<String, byte[]>> onSource(TopicClient topics, String key) {
        return topics.readEverything(Topics.NOTIFICATIONS, Duration.ofSeconds(30)).stream().filter(r -> key.equals(r.key())).toList();
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
