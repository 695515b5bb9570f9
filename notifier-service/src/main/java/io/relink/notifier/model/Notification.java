package io.relink.notifier.model;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One intended email: recorded before it is sent, marked after. */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {
    public enum Kind {
        INITIAL,
        REMINDER,
        CONFIRMATION
    }

    public enum Status {
        PENDING,
        /** Intended, but not sent until an operator decides ({@link HoldReason} says which decision). */
        HELD,
        /** Handed to SMTP; if its replica stops before marking it, it is tried again after the lease. */
        SENDING,
        SENT,
        /** Gave up: a permanent rejection, or too many tries. Operators can resend. */
        FAILED,
        /** Refused for good by the receiving server (a 5xx reply, kept in lastError): never retried. */
        BOUNCED,
        /** The user migrated or the account no longer needs it. */
        CANCELLED
    }

    /** Why a HELD email waits. */
    public enum HoldReason {
        /** Its account awaits an operator's approval ({@code relink.notify.approval=required}). */
        AWAITING_APPROVAL,
        /** Its domain has not been looked up at Microsoft yet. */
        CLASSIFYING,
        /** Its domain has no Microsoft tenant: on-premises Exchange, which a Microsoft sign-in cannot migrate. */
        ON_PREMISES,
        /** An operator excluded its domain. */
        EXCLUDED
    }

    @Id
    public UUID id;
    @Column(name = "account_id")
    public String accountId;
    @Enumerated(EnumType.STRING)
    public Kind kind;
    /** The email's number for its account: 1 for the initial email, then counting reminders. */
    public int attempt;
    @Enumerated(EnumType.STRING)
    public Status status;
    @Column(name = "due_at")
    public Instant dueAt;
    public int tries;
    @Column(name = "sending_since")
    public Instant sendingSince;
    /** Exchanges of this email whose outcome was unknown (a timeout after connecting): each may have delivered it. */
    @Column(name = "outcomes_unknown")
    public int outcomesUnknown;
    @Column(name = "held_reason")
    @Enumerated(EnumType.STRING)
    public HoldReason heldReason;
    @Column(name = "last_error")
    public String lastError;
    @Column(name = "message_id")
    public String messageId;
    @Column(name = "sent_at")
    public Instant sentAt;
    @Column(name = "created_at")
    public Instant createdAt;
    /** The account's trace where this email was intended (W3C traceparent); null when tracing is off. */
    @Column(name = "trace_parent")
    public String traceParent;
}
