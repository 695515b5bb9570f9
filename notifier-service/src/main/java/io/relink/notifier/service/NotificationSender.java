package io.relink.notifier.service;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.notifier.config.NotifyConfig;
import io.relink.notifier.model.Notification;
import io.relink.notifier.model.Notification.Status;
import io.relink.notifier.model.Recipient;
import io.smallrye.mutiny.Multi;
import io.vertx.ext.mail.SMTPException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Sends due emails: claims them (marking the intent as SENDING), sends outside any transaction, then marks each
 * SENT (announcing it) or plans a retry. A crash between sending and marking repeats at most that email after
 * the sending lease; none is lost. The rate limit is shared by all replicas through the database.
 */
@ApplicationScoped
public class NotificationSender {
    private static final Logger LOG = Logger.getLogger(NotificationSender.class);

    private final NotifyConfig config;
    private final Notifications notifications;
    private final MailComposer composer;
    private final Clock clock;
    private final EntityManager entityManager;
    private final Counter sent;
    private final Counter failed;
    private final String messageIdDomain;

    public NotificationSender(NotifyConfig config, Notifications notifications, MailComposer composer, Clock clock,
            EntityManager entityManager, MeterRegistry registry) {
        this.config = config;
        this.notifications = notifications;
        this.composer = composer;
        this.clock = clock;
        this.entityManager = entityManager;
        this.sent = Counter.builder("relink.notifier.emails.sent").description("Emails accepted by the SMTP server").register(registry);
        this.failed = Counter.builder("relink.notifier.emails.failed").description("Send attempts that failed").register(registry);
        String sender = config.senderAddress();
        this.messageIdDomain = sender.contains("@") ? sender.substring(sender.indexOf('@') + 1).replace(">", "") : "relink.local";
    }

    @Scheduled(every = "${relink.notify.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sendDue() {
        recoverAbandoned();
        while (sendBatch() == config.batchSize()) {
            // A full batch: more are due.
        }
    }

    /** Sends one batch of due emails; returns how many it claimed. */
    public int sendBatch() {
        List<Claimed> batch = claim();
        if (batch.isEmpty()) {
            return 0;
        }
        // Sends in parallel; the outcomes are recorded here, on this worker thread, not on the mail client's I/O thread.
        List<Outcome> outcomes = Multi.createFrom().iterable(batch)
                .onItem().transformToUni(c -> composer.compose(c.notification(), c.recipient(), c.messageId()).send()
                        .onItem().transform(ok -> new Outcome(c, null))
                        .onFailure().recoverWithItem(error -> new Outcome(c, error)))
                .merge(config.parallelSends())
                .collect().asList().await().indefinitely();
        // One transaction for the batch's outcomes: marks, AccountNotified events and next reminders.
        QuarkusTransaction.requiringNew().run(() -> outcomes.forEach(o -> record(o.claimed(), o.error())));
        return batch.size();
    }

    private record Claimed(Notification notification, Recipient recipient, String messageId) {
    }

    private record Outcome(Claimed claimed, Throwable error) {
    }

    private void record(Claimed c, Throwable error) {
        UUID id = c.notification().id;
        if (error == null) {
            notifications.sent(id, c.messageId());
            sent.increment();
            return;
        }
        failed.increment();
        boolean permanent = error instanceof SMTPException smtp && smtp.isPermanent();
        String reason = describe(error);
        LOG.warnf("email %s (%s) for account %s not sent%s: %s", id, c.notification().kind, c.notification().accountId,
                permanent ? ", permanently" : ", will retry", reason);
        notifications.failed(id, reason, permanent);
    }

    /** Marks due emails SENDING within the rate budget; they leave the transaction claimed, so no other replica sends them. */
    private List<Claimed> claim() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            int limit = Math.min(config.batchSize(), budget(now));
            if (limit <= 0) {
                return List.of();
            }
            @SuppressWarnings("unchecked")
            List<Notification> due = entityManager.createNativeQuery("SELECT * FROM notification WHERE status = 'PENDING' AND due_at <= :now "
                    + "ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED", Notification.class)
                    .setParameter("now", now).setParameter("limit", limit).getResultList();
            if (due.isEmpty()) {
                return List.of();
            }
            spend(now, due.size());
            Map<String, Recipient> recipients = Recipient.<Recipient>list("accountId in ?1", due.stream().map(n -> n.accountId).distinct().toList())
                    .stream().collect(Collectors.toMap(r -> r.accountId, Function.identity()));
            return due.stream().map(n -> {
                n.status = Status.SENDING;
                n.sendingSince = now;
                n.tries++;
                return new Claimed(n, recipients.get(n.accountId), "<" + n.id + "." + n.tries + "@" + messageIdDomain + ">");
            }).toList();
        });
    }

    /** Emails still allowed this minute, across replicas; the row lock orders replicas that claim at once. */
    private int budget(Instant now) {
        if (config.ratePerMinute() <= 0) {
            return Integer.MAX_VALUE;
        }
        Instant window = now.truncatedTo(ChronoUnit.MINUTES);
        entityManager.createNativeQuery("INSERT INTO send_window (window_start, sent) VALUES (:w, 0) ON CONFLICT DO NOTHING")
                .setParameter("w", window).executeUpdate();
        Number sentThisMinute = (Number) entityManager.createNativeQuery("SELECT sent FROM send_window WHERE window_start = :w FOR UPDATE")
                .setParameter("w", window).getSingleResult();
        return config.ratePerMinute() - sentThisMinute.intValue();
    }

    private void spend(Instant now, int count) {
        if (config.ratePerMinute() > 0) {
            entityManager.createNativeQuery("UPDATE send_window SET sent = sent + :n WHERE window_start = :w")
                    .setParameter("n", count).setParameter("w", now.truncatedTo(ChronoUnit.MINUTES)).executeUpdate();
        }
    }

    /** Emails left SENDING by a replica that stopped are due again: at most one of them may repeat. */
    private void recoverAbandoned() {
        QuarkusTransaction.requiringNew().run(() -> Notification.update(
                "status = ?1, sendingSince = null where status = ?2 and sendingSince < ?3",
                Status.PENDING, Status.SENDING, clock.instant().minus(config.sendingLease())));
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConnectException) {
            return "SMTP server unreachable: " + root.getMessage();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
