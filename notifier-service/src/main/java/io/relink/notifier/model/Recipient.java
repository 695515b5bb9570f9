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
    /** The part of the address after '@', lower case: what rates, policies and counts go by. */
    public String domain;
    public String provider;
    @Enumerated(EnumType.STRING)
    public State state;
    @Column(name = "detected_at")
    public Instant detectedAt;
    @Column(name = "closed_at")
    public Instant closedAt;
    /** When an operator (or {@code approval=auto}) approved emailing this user; null while awaiting approval. */
    @Column(name = "approved_at")
    public Instant approvedAt;
    /** The admin key's label of who approved, or {@code auto}. */
    @Column(name = "approved_by")
    public String approvedBy;
    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The domain of an address, as stored. */
    public static String domainOf(String email) {
        return email.substring(email.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
