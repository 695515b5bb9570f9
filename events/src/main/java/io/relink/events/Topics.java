package io.relink.events;

import java.util.List;
import java.util.stream.Stream;

/** Kafka topic names from the contract. Every record is keyed by the detected Nylas account id. */
public final class Topics {
    public static final String ACCOUNTS = "relink.accounts.v1";
    public static final String NOTIFICATIONS = "relink.notifications.v1";
    public static final String MIGRATIONS = "relink.migrations.v1";

    /** Suffix of the dead-letter topic that receives records a consumer could not read or process. */
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DLQ_SUFFIX;
    }

    /** The topics that carry events. */
    public static final List<String> EVENTS = List.of(ACCOUNTS, NOTIFICATIONS, MIGRATIONS);

    /** Every topic of the contract with its dead-letter topic, for whoever provisions them. */
    public static List<String> all() {
        return EVENTS.stream().flatMap(t -> Stream.of(t, deadLetter(t))).toList();
    }

    /** The dead-letter topic of each event topic. */
    public static List<String> deadLetters() {
        return EVENTS.stream().map(Topics::deadLetter).toList();
    }
}
