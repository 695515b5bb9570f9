package io.relink.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void embeddedBrokerKeepsItsRecordsAcrossAStopAndStart() {
        try (KafkaBroker broker = KafkaBroker.embedded(dir).start()) {
            String bootstrap = broker.bootstrapServers();
            broker.createTopics(List.of("devstack.embedded"));
            sendNumbered(broker, "devstack.embedded", 0, 50);

            broker.stop();
            assertFalse(broker.isRunning());
            broker.start();

            assertEquals(bootstrap, broker.bootstrapServers(), "a restarted broker keeps its address");
            sendNumbered(broker, "devstack.embedded", 50, 100);
            assertEquals(numbers(0, 100), readValues(broker, "devstack.embedded", 100));
        }
    }

    @Test
    void processBrokerSurvivesSigkillWithEveryAcknowledgedRecord() {
        try (KafkaBrokerProcess broker = KafkaBroker.process(dir)) {
            broker.start();
            long firstPid = broker.pid();
            sendNumbered(broker, "devstack.crash", 0, 500);

            broker.kill();
            assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false), "the broker process is gone");

            broker.start();
            assertTrue(broker.pid() != firstPid, "a new broker process serves the same data");
            sendNumbered(broker, "devstack.crash", 500, 600);
            assertEquals(numbers(0, 600), readValues(broker, "devstack.crash", 600));
        }
    }

    private static void sendNumbered(KafkaBroker broker, String topic, int from, int to) {
        try (TopicClient client = new TopicClient(broker.bootstrapServers())) {
            IntStream.range(from, to).forEach(i -> client.send(
                    new ProducerRecord<>(topic, "key-" + (i % 7), String.valueOf(i).getBytes(StandardCharsets.UTF_8))));
        }
    }

    private static Set<String> readValues(KafkaBroker broker, String topic, int expected) {
        try (TopicClient client = new TopicClient(broker.bootstrapServers())) {
            List<ConsumerRecord<String, byte[]>> records = client.readFromBeginning(topic, expected, READ_TIMEOUT);
            assertEquals(expected, records.size(), "records read back from " + topic);
            return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
        }
    }

    private static Set<String> numbers(int from, int to) {
        return IntStream.range(from, to).mapToObj(String::valueOf).collect(Collectors.toSet());
    }
}
