package io.relink.scanner.model;

import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Nylas v3 webhook notification about a grant, recorded once by its id, and what applying it did. */
@Entity
@Table(name = "webhook_delivery")
public class WebhookDelivery extends PanacheEntityBase {
    public enum Status {
        /** Recorded; to be applied (or tried again at {@code nextAttemptAt}). */
        PENDING,
        /** Applied: {@code outcome} says what it changed. */
        DONE,
        /** Its grant could not be read from Nylas after every attempt; the next scan still finds it. */
        FAILED
    }

    /** The notification's id: Nylas delivers at least once, so a repeat has the same id. */
    @Id
    public String id;
    public String type;
    @Column(name = "grant_id")
    public String grantId;
    @Column(name = "received_at")
    public Instant receivedAt;
    @Enumerated(EnumType.STRING)
    public Status status;
    public int attempts;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "processed_at")
    public Instant processedAt;
    /** {@code DETECTED}, {@code RESOLVED}, {@code UNCHANGED}, ... */
    public String outcome;
    @Column(name = "last_error")
    public String lastError;
}
