package io.relink.notifier.service;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.notifier.client.SmtpClient;
import io.relink.notifier.config.NotifyConfig;
import io.relink.notifier.model.Notification;
import io.relink.notifier.model.Notification.Status;
import io.relink.notifier.model.Recipient;
import io.relink.platform.tracing.AccountTraces;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Sends due emails: claims them (marking the intent as SENDING) as sending slots free up, sends outside any
 * transaction, and records each outcome in a transaction of its own as soon as it is known, so a crash repeats at
 * most the sends in flight ({@code parallel-sends}). Every exchange has a deadline ({@link SmtpClient}); one whose outcome is unknown is tried
 * again after the sending lease, which may repeat that one email. Abandoned SENDING rows are recovered on their own
 * schedule, so no stuck batch can hold the recovery. The rate limit is shared by all replicas through the database.
 */
@ApplicationScoped
public class NotificationSender {
    private static final Logger LOG = Logger.getLogger(NotificationSender.class);

    private final NotifyConfig config;
    private final Notifications notifications;
    private final MailComposer composer;
    private final SmtpClient smtp;
    private final Clock clock;
    private final EntityManager entityManager;
    private final Counter sent;
    private final Counter failed;
    private final Counter outcomeUnknown;
    private final String messageIdDomain;
    private final AccountTraces traces;
    /** When each send in flight started ({@link System#nanoTime()}: real time, whatever the business clock says). */
    private final Map<UUID, Long> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong oldestSendingEpochSecond = new AtomicLong(0);
    private final AtomicLong givenUp = new AtomicLong(0);
    private final AtomicBoolean filling = new AtomicBoolean();

    public NotificationSender(NotifyConfig config, Notifications notifications, MailComposer composer, SmtpClient smtp, Clock clock,
            EntityManager entityManager, MeterRegistry registry, AccountTraces traces) {
        this.config = config;
        this.traces = traces;
        this.notifications = notifications;
        this.composer = composer;
        this.smtp = smtp;
        this.clock = clock;
        this.entityManager = entityManager;
        this.sent = Counter.builder("relink.notifier.emails.sent").description("Emails accepted by the SMTP server").register(registry);
        this.failed = Counter.builder("relink.notifier.emails.failed").description("Send attempts that failed").register(registry);
        this.outcomeUnknown = Counter.builder("relink.notifier.emails.outcome.unknown")
                .description("Exchanges that timed out or broke after connecting: the email may have been delivered, and is tried again after the lease")
                .register(registry);
        Gauge.builder("relink.notifier.sends.in.flight", inFlight, Map::size).description("SMTP exchanges under way").register(registry);
        Gauge.builder("relink.notifier.sending.oldest.age", this, NotificationSender::oldestSendingAgeSeconds).baseUnit("seconds")
                .description("Age of the oldest email marked SENDING (0 when none); beyond the lease it is being recovered").register(registry);
        Gauge.builder("relink.notifier.emails.given.up", givenUp, AtomicLong::get)
                .description("Emails that ended FAILED (their tries used up, or refused for good), until resent").register(registry);
        String sender = config.senderAddress();
        this.messageIdDomain = sender.contains("@") ? sender.substring(sender.indexOf('@') + 1).replace(">", "") : "relink.local";
    }

    /**
     * Claims due emails for the free sending slots ({@code parallel-sends} less those in flight) and starts them,
     * until no slot is free or nothing is due. It never waits for a send: each one that ends frees its slot and calls
     * this again, so a stalled exchange holds only its own slot, for its own deadline. One filler at a time; the poll
     * catches a slot freed while another thread was filling.
     */
    @Scheduled(every = "${relink.notify.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void fill() {
        if (!filling.compareAndSet(false, true)) {
            return;
        }
        try {
            int free;
            while ((free = config.parallelSends() - inFlight.size()) > 0) {
                List<Claimed> claimed = claim(free);
                if (claimed.isEmpty()) {
                    return;
                }
                for (Claimed c : claimed) {
                    inFlight.put(c.notification().id, System.nanoTime());
                    send(c).subscribe().with(done -> fill(), failure -> fill());
                }
            }
        } finally {
            filling.set(false);
        }
    }

    /**
     * One send, its outcome recorded on a worker thread (never the mail client's I/O thread) in its own transaction.
     * The send is a span in the account's trace: the link in the email and the events its outcome writes carry it.
     */
    private Uni<Void> send(Claimed c) {
        UUID id = c.notification().id;
        Span span = traces.start("email send", SpanKind.CLIENT, traces.stored(c.notification().traceParent));
        // Passed on explicitly, not made current: this may run on a thread that carries the mail client's Vert.x
        // context, where a span cannot be made current.
        String traceParent = AccountTraces.traceparent(span.getSpanContext());
        return Uni.createFrom().deferred(() -> smtp.send(composer.compose(c.notification(), c.recipient(), c.messageId(), traceParent)))
                .onItem().<Throwable>transform(ok -> null).onFailure().recoverWithItem(error -> error)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .invoke(error -> {
                    try {
                        if (error != null) {
                            span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
                        }
                        QuarkusTransaction.requiringNew().run(() -> record(c, error, traceParent));
                    } finally {
                        span.end();
                        inFlight.remove(id);
                    }
                }).replaceWithVoid()
                .onFailure().invoke(e -> LOG.errorf(e, "the outcome of email %s could not be recorded; it is recovered after the lease", id))
                .onFailure().recoverWithNull();
    }

    /** The oldest send in flight, if it has run past twice the exchange deadline: the sender is stuck. */
    public Optional<Duration> stuckFor() {
        long now = System.nanoTime();
        return inFlight.values().stream().map(started -> Duration.ofNanos(now - started)).max(Duration::compareTo)
                .filter(age -> age.compareTo(config.smtp().exchangeDeadline().multipliedBy(2)) > 0);
    }

    private record Claimed(Notification notification, Recipient recipient, String messageId) {
    }

    /** The outcome of one send; {@code traceParent} is the send's span. */
    private void record(Claimed c, Throwable error, String traceParent) {
        UUID id = c.notification().id;
        if (error == null) {
            notifications.sent(id, c.messageId(), traceParent);
            sent.increment();
            return;
        }
        failed.increment();
        SmtpClient.Failure failure = SmtpClient.classify(error);
        String reason = describe(error);
        LOG.warnf("email %s (%s) for account %s not sent (%s): %s", id, c.notification().kind, c.notification().accountId, failure, reason);
        switch (failure) {
            case PERMANENT -> notifications.failed(id, reason, true);
            case TRANSIENT -> notifications.failed(id, reason, false);
            case OUTCOME_UNKNOWN -> {
                outcomeUnknown.increment();
                notifications.outcomeUnknown(id, reason);
            }
        }
    }

    /**
     * Marks up to {@code wanted} due emails SENDING within the rate budget; they leave the transaction claimed, so no
     * other replica sends them.
     */
    private List<Claimed> claim(int wanted) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            int limit = Math.min(wanted, budget(now));
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

    /**
     * Emails left SENDING by a replica that stopped (or a batch past its deadline) are due again: those that were in
     * flight may repeat. On its own schedule, so that a stuck sender cannot hold it; it also refreshes the age gauge
     * and the count of emails that ended FAILED.
     */
    @Scheduled(every = "${relink.notify.recovery-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void recoverAbandoned() {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            int recovered = Notification.update("status = ?1, sendingSince = null where status = ?2 and sendingSince < ?3",
                    Status.PENDING, Status.SENDING, now.minus(config.sendingLease()));
            if (recovered > 0) {
                LOG.warnf("%d emails left SENDING past the lease are due again", recovered);
            }
            Instant oldest = (Instant) entityManager.createQuery("select min(n.sendingSince) from Notification n where n.status = ?1")
                    .setParameter(1, Status.SENDING).getSingleResult();
            oldestSendingEpochSecond.set(oldest == null ? 0 : oldest.getEpochSecond());
            givenUp.set(Notification.count("status", Status.FAILED));
        });
    }

    private double oldestSendingAgeSeconds() {
        long oldest = oldestSendingEpochSecond.get();
        return oldest == 0 ? 0 : Math.max(0, clock.instant().getEpochSecond() - oldest);
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
