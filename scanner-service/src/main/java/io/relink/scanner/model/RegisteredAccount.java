package io.relink.scanner.model;

import java.time.Instant;
import java.util.UUID;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An account in the registry as the API and the funnel's counts read it: every detected or unknown account, and
 * where it stands. Read-only: every change goes through {@code AccountRow} and {@code AccountRows}.
 */
@Entity
@Immutable
@Table(name = "account")
public class RegisteredAccount extends PanacheEntityBase {
    @Id
    @Column(name = "account_id")
    public String accountId;

    public String email;
    public String provider;
    @Column(name = "sync_state")
    public String syncState;
    @Column(name = "billing_state")
    public String billingState;
    @Column(name = "authentication_type")
    public String authenticationType;

    /** v3: the grant's status, {@code valid} or {@code invalid}; null for a v2 account. */
    @Column(name = "grant_status")
    public String grantStatus;
    /** v3: the v2 account id of a grant migrated from v2; null otherwise. */
    @Column(name = "v2_account_id")
    public String v2AccountId;

    @Enumerated(EnumType.STRING)
    public AccountStatus status;

    @Column(name = "first_seen_at")
    public Instant firstSeenAt;
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;
    @Column(name = "detected_scan_id")
    public UUID detectedScanId;
    @Column(name = "last_scan_id")
    public UUID lastScanId;

    public int notifications;
    @Column(name = "last_notified_at")
    public Instant lastNotifiedAt;
    @Column(name = "migrated_at")
    public Instant migratedAt;
    @Column(name = "new_account_id")
    public String newAccountId;
    /** When the user's mail server last refused an email for good (AccountBounced), and its reply. */
    @Column(name = "bounced_at")
    public Instant bouncedAt;
    @Column(name = "bounce_reply")
    public String bounceReply;
    @Column(name = "resolved_at")
    public Instant resolvedAt;
    public String resolution;
    /** Why the account is UNKNOWN: {@code NO_AUTHENTICATION_TYPE} or {@code EMAIL_NOT_PLAIN}. */
    @Column(name = "unknown_reason")
    public String unknownReason;
    /** Why the account is NOT_AFFECTED: {@code ON_PREMISES}. */
    @Column(name = "not_affected_reason")
    public String notAffectedReason;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
