package io.relink.events;

import java.util.Arrays;
import java.util.Optional;

/** Each event of the contract: its CloudEvents type, the topic it travels on, its payload and its JSON Schema. */
public enum EventType {
    ACCOUNT_DETECTED("io.relink.account.detected.v1", Topics.ACCOUNTS, AccountDetected.class),
    ACCOUNT_RESOLVED("io.relink.account.resolved.v1", Topics.ACCOUNTS, AccountResolved.class),
    ACCOUNT_NOTIFIED("io.relink.account.notified.v1", Topics.NOTIFICATIONS, AccountNotified.class),
    ACCOUNT_BOUNCED("io.relink.account.bounced.v1", Topics.NOTIFICATIONS, AccountBounced.class),
    ACCOUNT_NOT_AFFECTED("io.relink.account.not-affected.v1", Topics.NOTIFICATIONS, AccountNotAffected.class),
    ACCOUNT_MIGRATED("io.relink.account.migrated.v1", Topics.MIGRATIONS, AccountMigrated.class);

    private final String ceType;
    private final String topic;
    private final Class<? extends RelinkEvent> payloadType;

    EventType(String ceType, String topic, Class<? extends RelinkEvent> payloadType) {
        this.ceType = ceType;
        this.topic = topic;
        this.payloadType = payloadType;
    }

    /** The CloudEvents {@code type} attribute, sent in the {@code ce_type} header. */
    public String ceType() {
        return ceType;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends RelinkEvent> payloadType() {
        return payloadType;
    }

    /** Classpath resource of the JSON Schema that describes the payload. */
    public String schemaResource() {
        // io.relink.account.detected.v1 -> account-detected.v1.json
        String[] parts = ceType.split("\\.");
        return "/io/relink/events/schemas/" + parts[2] + "-" + parts[3] + "." + parts[4] + ".json";
    }

    public static Optional<EventType> fromCeType(String ceType) {
        return Arrays.stream(values()).filter(t -> t.ceType.equals(ceType)).findFirst();
    }

    static EventType of(Class<?> payloadType) {
        return Arrays.stream(values()).filter(t -> t.payloadType == payloadType).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a Relink event: " + payloadType));
    }
}
