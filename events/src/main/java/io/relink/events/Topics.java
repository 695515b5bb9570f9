package io.relink.events;

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
}
