package io.relink.notifier.service;

import static io.relink.platform.persistence.NativeColumns.instant;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import io.relink.notifier.model.Notification.HoldReason;
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
 * schedule, so no stuck batch can hold the recovery. The pause switch and the rate limits ({@link RateLimits}) are
 * shared by all replicas through the database.
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
    private final AtomicBoolean paused = new AtomicBoolean();
    /** The last claim found the global bucket short while emails were due. */
    private final AtomicBoolean rateBound = new AtomicBoolean();
    private final AtomicBoolean refillScheduled = new AtomicBoolean();
    private final Campaign campaign;
    private final RateLimits rates;
    private final Counter bounced;

    public NotificationSender(NotifyConfig config, Notifications notifications, MailComposer composer, SmtpClient smtp, Clock clock,
            EntityManager entityManager, MeterRegistry registry, AccountTraces traces, Campaign campaign, RateLimits rates) {
        this.config = config;
        this.campaign = campaign;
        this.rates = rates;
        this.traces = traces;
        this.notifications = notifications;
        this.composer = composer;
        this.smtp = smtp;
        this.clock = clock;
        this.entityManager = entityManager;
        this.sent = Counter.builder("relink.notifier.emails.sent").description("Emails accepted by the SMTP server").register(registry);
        this.failed = Counter.builder("relink.notifier.emails.failed").description("Send attempts that failed").register(registry);
        this.bounced = Counter.builder("relink.notifier.emails.bounced")
                .description("Emails refused for good by the receiving server (5xx): BOUNCED, never retried").register(registry);
        Gauge.builder("relink.notifier.paused", paused, p -> p.get() ? 1 : 0)
                .description("1 while an operator has paused sending (every replica), else 0").register(registry);
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
     * until no slot is free or nothing is due. It never waits for a send: sends that end free their slots and call
     * this again ({@link #sendEnded}), so a stalled exchange holds only its own slot, for its own deadline. One filler
     * at a time; the poll catches slots freed while another thread was filling.
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
                Claim claim = claim(free);
                if (claim.sends().isEmpty() && claim.held() == 0) {
                    if (rateBound.get()) {
                        refillWhenTokensAccrue();
                    }
                    return;
                }
                for (Claimed c : claim.sends()) {
                    inFlight.put(c.notification().id, System.nanoTime());
                    send(c).subscribe().with(done -> sendEnded(), failure -> sendEnded());
                }
            }
        } finally {
            filling.set(false);
        }
    }

    /**
     * The global bucket ran dry while emails were due: fills again once it holds a quarter of the slots' worth. Waiting
     * for a send to end or for the poll instead (Quarkus runs it at most once a second) left the sender idle for most
     * of each second once its sends were quick: 60 emails/s against a limit of 100/s in the campaign benchmark.
     */
    private void refillWhenTokensAccrue() {
        if (refillScheduled.compareAndSet(false, true)) {
            long millis = Math.max(10, (long) (1000.0 * Math.max(1, config.parallelSends() / 4) / (config.ratePerMinute() / 60.0)));
            Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(millis)).emitOn(Infrastructure.getDefaultWorkerPool())
                    .subscribe().with(v -> {
                        refillScheduled.set(false);
                        fill();
                    });
        }
    }

    /**
     * Refills once a quarter of the slots are free, not at every freed slot: a claim is a transaction around a query
     * over the due emails, and refilling at every freed slot made most claims take a single email. The other slots
     * stay busy meanwhile, and the poll fills any remainder.
     */
    private void sendEnded() {
        if (config.parallelSends() - inFlight.size() >= Math.max(1, config.parallelSends() / 4)) {
            fill();
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
        return Uni.createFrom().deferred(() -> smtp.send(composer.compose(c.notification(), c.recipient(), c.language(), c.messageId(), traceParent)))
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

    private record Claimed(Notification notification, Recipient recipient, String language, String messageId) {
    }

    /** What one claim took: the emails to send now, and how many due emails it held back instead. */
    private record Claim(List<Claimed> sends, int held) {
        static final Claim NONE = new Claim(List.of(), 0);
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
            case PERMANENT -> {
                bounced.increment();
                notifications.bounced(id, SmtpClient.reply(error), traceParent);
            }
            case TRANSIENT -> notifications.failed(id, reason);
            case OUTCOME_UNKNOWN -> {
                outcomeUnknown.increment();
                notifications.outcomeUnknown(id, reason);
            }
        }
    }

    /**
     * Marks up to {@code wanted} due emails SENDING within the rate limits, unless sending is paused; they leave the
     * transaction claimed, so no other replica sends them. A due email that may not go out any more (its domain was
     * excluded, say) is held instead. Domains whose bucket is empty are skipped, so one busy domain does not hold back
     * the others.
     */
    private Claim claim(int wanted) {
        return QuarkusTransaction.requiringNew().call(() -> {
            rateBound.set(false);
            boolean isPaused = campaign.paused();
            paused.set(isPaused);
            if (isPaused) {
                return Claim.NONE;
            }
            Instant now = clock.instant();
            int globalAllowance = rates.globalAllowance(now);
            int limit = Math.min(wanted, globalAllowance);
            if (limit <= 0) {
                rateBound.set(true); // emails went out a moment ago: more are likely due; one later claim finds out
                return Claim.NONE;
            }
            @SuppressWarnings("unchecked")
            List<Object[]> due = entityManager.createNativeQuery("SELECT n.id, r.domain, CASE WHEN n.kind = 'CONFIRMATION' THEN NULL ELSE "
                    + Campaign.HOLD_REASON + " END FROM notification n JOIN recipient r ON r.account_id = n.account_id "
                    + "LEFT JOIN email_domain d ON d.domain = r.domain WHERE n.status = 'PENDING' AND n.due_at <= :now AND NOT "
                    + rates.domainExhausted() + " ORDER BY n.due_at LIMIT :limit FOR UPDATE OF n SKIP LOCKED")
                    .setParameter("now", now).setParameter("limit", limit).getResultList();
            if (due.isEmpty()) {
                return Claim.NONE;
            }
            rateBound.set(globalAllowance < wanted && due.size() == limit);
            // Emails of a domain being classified are held only if it still is, read under a share lock on its row: the
            // classifier changes that row and releases the domain's held emails in one transaction, so an email held
            // here after that release would wait for good. One classified meanwhile is claimed at the next fill.
            Set<String> classifying = due.stream().filter(row -> HoldReason.CLASSIFYING.name().equals(row[2])).map(row -> (String) row[1])
                    .collect(Collectors.toCollection(TreeSet::new));
            @SuppressWarnings("unchecked")
            Set<String> stillClassifying = classifying.isEmpty() ? Set.of() : Set.copyOf(entityManager.createNativeQuery("SELECT domain FROM email_domain"
                    + " WHERE domain = ANY(CAST(:domains AS TEXT[])) AND classification = 'PENDING' ORDER BY domain FOR SHARE")
                    .setParameter("domains", SqlArrays.text(classifying)).getResultList());
            int held = 0;
            Map<String, Integer> allowance = rates.domainAllowance(due.stream().filter(row -> row[2] == null).map(row -> (String) row[1])
                    .collect(Collectors.toSet()), now);
            Map<String, Integer> taken = new java.util.HashMap<>();
            List<UUID> chosen = new java.util.ArrayList<>();
            for (Object[] row : due) {
                UUID id = (UUID) row[0];
                if (row[2] != null) {
                    if (HoldReason.CLASSIFYING.name().equals(row[2]) && !stillClassifying.contains((String) row[1])) {
                        continue;
                    }
                    Notification.update("status = ?1, heldReason = ?2 where id = ?3", Status.HELD,
                            HoldReason.valueOf((String) row[2]), id);
                    held++;
                    continue;
                }
                String domain = (String) row[1];
                if (taken.getOrDefault(domain, 0) < allowance.get(domain)) {
                    taken.merge(domain, 1, Integer::sum);
                    chosen.add(id);
                }
            }
            rates.spend(now, chosen.size(), taken);
            if (chosen.isEmpty()) {
                return new Claim(List.of(), held);
            }
            // One statement marks them SENDING and answers what sending needs. Loading them as entities took three
            // queries with list parameters, which Hibernate translates anew at each call: a quarter of the notifier's CPU.
            // Planned with its values: a plan cached while the tables were empty scans them whole for good (15 ms of the
            // database's CPU a claim at 13,000 rows where autovacuum is late or off). This statement only: the others
            // keep their cached plans, which cost no planning at each claim.
            entityManager.createNativeQuery("SET LOCAL plan_cache_mode = force_custom_plan").executeUpdate();
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("WITH claimed AS (UPDATE notification SET status = 'SENDING', sending_since = :now,"
                    + " tries = tries + 1 WHERE id = ANY(CAST(:ids AS UUID[])) RETURNING id, account_id, kind, attempt, tries, trace_parent, due_at)"
                    + " SELECT c.id, c.account_id, c.kind, c.attempt, c.tries, c.trace_parent, c.due_at, r.email, r.domain, d.locale FROM claimed c"
                    + " JOIN recipient r ON r.account_id = c.account_id LEFT JOIN email_domain d ON d.domain = r.domain")
                    .setParameter("now", now).setParameter("ids", SqlArrays.text(chosen.stream().map(UUID::toString).toList())).getResultList();
            return new Claim(rows.stream().map(row -> {
                Notification n = new Notification(); // what was claimed, for composing and recording; not managed
                n.id = (UUID) row[0];
                n.accountId = (String) row[1];
                n.kind = Notification.Kind.valueOf((String) row[2]);
                n.attempt = ((Number) row[3]).intValue();
                n.tries = ((Number) row[4]).intValue();
                n.traceParent = (String) row[5];
                n.dueAt = instant(row[6]);
                n.status = Status.SENDING;
                n.sendingSince = now;
                Recipient recipient = new Recipient();
                recipient.accountId = n.accountId;
                recipient.email = (String) row[7];
                recipient.domain = (String) row[8];
                return new Claimed(n, recipient, (String) row[9], "<" + n.id + "." + n.tries + "@" + messageIdDomain + ">");
            }).sorted(java.util.Comparator.comparing((Claimed c) -> c.notification().dueAt)).toList(), held);
        });
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
            paused.set(campaign.paused());
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
