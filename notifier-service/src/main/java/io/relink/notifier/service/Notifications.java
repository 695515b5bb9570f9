package io.relink.notifier.service;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import io.relink.events.AccountBounced;
import io.relink.events.AccountDetected;
import io.relink.events.AccountMigrated;
import io.relink.events.AccountNotified;
import io.relink.events.AccountResolved;
import io.relink.notifier.config.NotifyConfig;
import io.relink.notifier.model.Notification;
import io.relink.notifier.model.Notification.Kind;
import io.relink.notifier.model.Notification.Status;
import io.relink.notifier.model.Recipient;
import io.relink.platform.outbox.Outbox;
import io.relink.platform.tracing.AccountTraces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * The notifier's state: who must be emailed and which emails are intended. Every change happens in the
 * transaction of the event or the send result that causes it.
 */
@ApplicationScoped
public class Notifications {
    private final NotifyConfig config;
    private final EmailSchedule schedule;
    private final Outbox outbox;
    private final Clock clock;
    private final EntityManager entityManager;
    private final Campaign campaign;

    public Notifications(NotifyConfig config, Outbox outbox, Clock clock, EntityManager entityManager, Campaign campaign) {
        this.config = config;
        this.campaign = campaign;
        this.schedule = EmailSchedule.of(config);
        this.outbox = outbox;
        this.clock = clock;
        this.entityManager = entityManager;
    }

    /** AccountDetected: remember the user and intend the initial email (once, however often the event comes). */
    @Transactional(TxType.MANDATORY)
    public void detected(AccountDetected event) {
        Instant now = clock.instant();
        Recipient recipient = Recipient.findById(event.accountId());
        if (recipient != null && recipient.state == Recipient.State.MIGRATED) {
            return;
        }
        boolean fresh = recipient == null;
        if (fresh) {
            recipient = new Recipient();
            recipient.accountId = event.accountId();
            recipient.detectedAt = now;
        }
        if (fresh && config.approval() == NotifyConfig.Approval.AUTO) {
            recipient.approvedAt = now;
            recipient.approvedBy = "auto";
        }
        recipient.state = Recipient.State.OPEN;
        recipient.closedAt = null;
        recipient.email = event.email();
        recipient.domain = Recipient.domainOf(event.email());
        recipient.provider = event.provider();
        recipient.updatedAt = now;
        if (fresh) {
            recipient.persist();
        }
        campaign.known(recipient.domain, now);
        entityManager.flush();
        intend(event.accountId(), Kind.INITIAL, 1, now, AccountTraces.current());
    }

    /** AccountResolved: no more emails for this account. */
    @Transactional(TxType.MANDATORY)
    public void resolved(AccountResolved event) {
        close(event.accountId(), Recipient.State.RESOLVED);
    }

    /** AccountMigrated: no more reminders; a confirmation if configured. */
    @Transactional(TxType.MANDATORY)
    public void migrated(AccountMigrated event) {
        if (close(event.accountId(), Recipient.State.MIGRATED) && config.confirmation()) {
            intend(event.accountId(), Kind.CONFIRMATION, 1, clock.instant(), AccountTraces.current());
        }
    }

    /** The email went out: mark it, announce it, and plan the next reminder, in the trace of its send. */
    @Transactional(TxType.MANDATORY)
    public void sent(UUID notificationId, String messageId, String traceParent) {
        Instant now = clock.instant();
        Notification n = Notification.findById(notificationId);
        n.status = Status.SENT;
        n.sentAt = now;
        n.messageId = messageId;
        n.lastError = null;
        if (n.kind == Kind.CONFIRMATION) {
            return;
        }
        outbox.publish(AccountNotified.of(now, n.accountId, n.kind == Kind.INITIAL ? AccountNotified.Kind.INITIAL
                : AccountNotified.Kind.REMINDER, n.attempt, messageId), traceParent);
        Recipient recipient = Recipient.findById(n.accountId);
        if (recipient.state == Recipient.State.OPEN) {
            schedule.nextReminder(n.attempt, now).ifPresent(next -> intend(n.accountId, Kind.REMINDER, n.attempt + 1, next, traceParent));
        }
    }

    /** The email did not go out, and nothing was delivered: try again later, or give up when tried too often. */
    @Transactional(TxType.MANDATORY)
    public void failed(UUID notificationId, String error) {
        Notification n = Notification.findById(notificationId);
        retryOrGiveUp(n, error, schedule.retryAt(n.tries, clock.instant()));
    }

    /**
     * The receiving server refused the email for good (a 5xx reply): BOUNCED with its reply, never tried again, no
     * reminder follows, and AccountBounced tells the funnel (none for a confirmation, as for AccountNotified).
     */
    @Transactional(TxType.MANDATORY)
    public void bounced(UUID notificationId, String reply, String traceParent) {
        Notification n = Notification.findById(notificationId);
        n.status = Status.BOUNCED;
        n.lastError = reply;
        n.sendingSince = null;
        if (n.kind != Kind.CONFIRMATION) {
            outbox.publish(AccountBounced.of(clock.instant(), n.accountId, n.kind == Kind.INITIAL ? AccountNotified.Kind.INITIAL
                    : AccountNotified.Kind.REMINDER, n.attempt, reply), traceParent);
        }
    }

    /**
     * The exchange broke off after the connection was made, so the server may have delivered the email. Tried again
     * only after the sending lease, as an abandoned send is: the one case where a user may get an email twice.
     */
    @Transactional(TxType.MANDATORY)
    public void outcomeUnknown(UUID notificationId, String error) {
        Notification n = Notification.findById(notificationId);
        n.outcomesUnknown++;
        retryOrGiveUp(n, "outcome unknown: " + error, clock.instant().plus(config.sendingLease()));
    }

    private void retryOrGiveUp(Notification n, String error, Instant retryAt) {
        n.lastError = error;
        n.sendingSince = null;
        if (schedule.givesUp(n.tries)) {
            n.status = Status.FAILED;
            return;
        }
        n.status = Status.PENDING;
        n.dueAt = retryAt;
    }

    /**
     * Operators: send a failed or bounced email again now (after the address or the relay was fixed); never
     * automatically.
     */
    @Transactional
    public Optional<Notification> resend(UUID notificationId) {
        Notification n = Notification.findById(notificationId);
        if (n == null || (n.status != Status.FAILED && n.status != Status.BOUNCED)) {
            return Optional.ofNullable(n);
        }
        n.status = Status.PENDING;
        n.tries = 0;
        n.dueAt = clock.instant();
        return Optional.of(n);
    }

    private boolean close(String accountId, Recipient.State state) {
        Recipient recipient = Recipient.findById(accountId);
        if (recipient == null || recipient.state != Recipient.State.OPEN) {
            return false;
        }
        recipient.state = state;
        recipient.closedAt = clock.instant();
        recipient.updatedAt = recipient.closedAt;
        Notification.update("status = ?1 where accountId = ?2 and status = ?3 and kind <> ?4",
                Status.CANCELLED, accountId, Status.PENDING, Kind.CONFIRMATION);
        return true;
    }

    /**
     * Records an intended email unless the same one exists already (the unique key decides, race-free), in the
     * account's trace: the event's for the initial email, the previous email's for a reminder. It is PENDING, or HELD
     * when its account or domain may not be emailed yet ({@link Campaign#HOLD_REASON}); a confirmation is never held.
     */
    private void intend(String accountId, Kind kind, int attempt, Instant due, String traceParent) {
        String hold = kind == Kind.CONFIRMATION ? "NULL" : Campaign.HOLD_REASON;
        entityManager.createNativeQuery("INSERT INTO notification (id, account_id, kind, attempt, status, held_reason, due_at, created_at, "
                + "trace_parent) SELECT :id, r.account_id, :kind, :attempt, CASE WHEN h.reason IS NULL THEN 'PENDING' ELSE 'HELD' END, h.reason, "
                + ":due, :now, :trace FROM recipient r LEFT JOIN email_domain d ON d.domain = r.domain CROSS JOIN LATERAL (SELECT " + hold
                + " AS reason) h WHERE r.account_id = :account ON CONFLICT (account_id, kind, attempt) DO NOTHING")
                .setParameter("id", UUID.randomUUID()).setParameter("account", accountId).setParameter("kind", kind.name())
                .setParameter("attempt", attempt).setParameter("due", due).setParameter("now", clock.instant())
                .setParameter("trace", traceParent)
                .executeUpdate();
    }
}
