package io.relink.notifier.model;

import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A user who must re-authenticate, until they migrate or the account needs it no more. */
@Entity
@Table(name = "recipient")
public class Recipient extends PanacheEntityBase {
    public enum State {
        OPEN,
        MIGRATED,
        RESOLVED
    }

    @Id
    @Column(name = "account_id")
    public String accountId;
    public String email;
    public String provider;
    @Enumerated(EnumType.STRING)
    public State state;
    @Column(name = "detected_at")
    public Instant detectedAt;
    @Column(name = "closed_at")
    public Instant closedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
