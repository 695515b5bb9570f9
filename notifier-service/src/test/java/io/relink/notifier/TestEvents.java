package io.relink.notifier;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.relink.devstack.Devstack;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountDetected;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.RelinkEvent;

/** Events as the scanner and reauth publish them, put on the devstack's Kafka for the notifier under test. */
final class TestEvents {
    private TestEvents() {
    }

    /** A newly detected Basic Auth account at {@code domain}, with a fresh id. */
    static AccountDetected detected(String domain) {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 25);
        return AccountDetected.of(Instant.now(), id, "user-" + id + "@" + domain, "eas", "invalid-credentials", "paid", UUID.randomUUID());
    }

    static void send(Devstack devstack, RelinkEvent event, String traceParent) {
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            RecordHeaders headers = new RecordHeaders();
            CloudEventHeaders.write(headers, event, "/relink/test");
            if (traceParent != null) {
                headers.add("traceparent", traceParent.getBytes(StandardCharsets.UTF_8));
            }
            client.send(new ProducerRecord<>(event.type().topic(), null, event.accountId(), EventCodec.write(event), headers));
        }
    }
}
