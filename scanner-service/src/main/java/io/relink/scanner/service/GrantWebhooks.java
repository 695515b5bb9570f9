package io.relink.scanner.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.nylas.NylasAccount;
import io.relink.nylas.NylasCallException;
import io.relink.nylas.NylasClient;
import io.relink.nylas.NylasConfig.Api;
import io.relink.scanner.config.WebhookConfig;
import io.relink.scanner.model.WebhookDelivery;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

/**
 * Nylas v3 webhooks as a detection source, beside the scans that stay the source of completeness. A notification is
 * verified ({@code X-Nylas-Signature}, the hex HMAC-SHA256 of the raw body with the webhook's secret), recorded once by
 * its id, and answered at once; then applied within {@code relink.webhooks.poll-interval} by reading the grant as it is
 * now, under a lock per grant, so a repeat or a notification that overtook another changes nothing:
 * {@code grant.expired} or {@code grant.updated} bring an affected grant into the campaign, {@code grant.deleted}
 * resolves it. A grant that cannot be read is tried again, backing off, then marked FAILED for operators.
 */
@ApplicationScoped
public class GrantWebhooks {
    private static final Logger LOG = Logger.getLogger(GrantWebhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The grant triggers Relink subscribes to; any other notification is answered and not recorded. */
    public static final Set<String> TRIGGERS = Set.of("grant.created", "grant.updated", "grant.expired", "grant.deleted");
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration LONGEST_BACKOFF = Duration.ofMinutes(5);
    private static final int BATCH = 50;

    /** What became of a notification at intake. */
    public enum Intake {
        RECORDED, REPEATED, NOT_A_GRANT_TRIGGER
    }

    /** A notification that is not one: its signature verified, but its body is not a grant notification. */
    public static final class MalformedNotificationException extends RuntimeException {
        public MalformedNotificationException(String message) {
            super(message);
        }
    }

    private final WebhookConfig config;
    private final NylasClient nylas;
    private final Registry registry;
    private final Clock clock;
    private final EntityManager entityManager;
    private final MeterRegistry metrics;

    public GrantWebhooks(WebhookConfig config, NylasClient nylas, Registry registry, Clock clock, EntityManager entityManager,
            MeterRegistry metrics) {
        this.config = config;
        this.nylas = nylas;
        this.registry = registry;
        this.clock = clock;
        this.entityManager = entityManager;
        this.metrics = metrics;
        if (nylas.api() == Api.V3 && config.secret().isEmpty()) {
            LOG.info("relink.webhooks.secret is not set: Nylas webhooks are refused, and scans alone find the grants");
        }
    }

    /** Whether the raw body carries the signature of the configured secret; false without a secret or signature. */
    public boolean signedByNylas(byte[] body, String signature) {
        if (config.secret().isEmpty() || signature == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(config.secret().get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, signature.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records a verified notification once, by its id. */
    public Intake record(byte[] body) {
        JsonNode notification;
        try {
            notification = JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new MalformedNotificationException("the body is not JSON");
        }
        String type = notification == null ? null : text(notification, "type");
        String id = notification == null ? null : text(notification, "id");
        if (type == null || id == null) {
            throw new MalformedNotificationException("a notification has an id and a type");
        }
        if (!TRIGGERS.contains(type)) {
            metrics.counter("relink.webhooks.notifications", "outcome", "ignored").increment();
            return Intake.NOT_A_GRANT_TRIGGER;
        }
        String grantId = text(notification.path("data").path("object"), "grant_id");
        if (grantId == null || id.length() > 200 || grantId.length() > 200) {
            throw new MalformedNotificationException("a grant notification has data.object.grant_id");
        }
        Instant now = clock.instant();
        int inserted = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "INSERT INTO webhook_delivery (id, type, grant_id, received_at, status, next_attempt_at) VALUES (?1, ?2, ?3, ?4, 'PENDING', ?4)"
                        + " ON CONFLICT (id) DO NOTHING")
                .setParameter(1, id).setParameter(2, type).setParameter(3, grantId).setParameter(4, now).executeUpdate());
        Intake intake = inserted == 1 ? Intake.RECORDED : Intake.REPEATED;
        metrics.counter("relink.webhooks.notifications", "outcome", intake.name().toLowerCase(java.util.Locale.ROOT)).increment();
        return intake;
    }

    @Scheduled(every = "${relink.webhooks.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void applyDue() {
        if (nylas.api() == Api.V3) {
            applyDue(clock.instant());
        }
    }

    /** Applies the recorded notifications due at {@code now}; returns how many were applied. */
    public int applyDue(Instant now) {
        int applied = 0;
        for (String id : claimDue(now)) {
            applied += apply(id) ? 1 : 0;
        }
        return applied;
    }

    /** Due notifications, oldest first, each leased so no other replica takes it meanwhile. */
    private List<String> claimDue(Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<WebhookDelivery> due = entityManager.createQuery("select d from WebhookDelivery d where d.status = :pending"
                    + " and d.nextAttemptAt <= :now order by d.receivedAt", WebhookDelivery.class)
                    .setParameter("pending", WebhookDelivery.Status.PENDING).setParameter("now", now).setMaxResults(BATCH)
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE).setHint("jakarta.persistence.lock.timeout", -2).getResultList();
            due.forEach(d -> d.nextAttemptAt = now.plus(LEASE));
            return due.stream().map(d -> d.id).toList();
        });
    }

    /**
     * One notification: under a lock on its grant (so notifications of one grant apply one after another, each after
     * reading the grant), the grant as Nylas has it now, applied to the registry.
     */
    private boolean apply(String id) {
        WebhookDelivery delivery = QuarkusTransaction.requiringNew().call(() -> WebhookDelivery.<WebhookDelivery>findById(id));
        try {
            String outcome = QuarkusTransaction.requiringNew().call(() -> {
                entityManager.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))").setParameter(1, delivery.grantId).getSingleResult();
                Optional<NylasAccount> grant = nylas.account(delivery.grantId);
                String result = registry.applyGrant(delivery.grantId, grant, id);
                WebhookDelivery d = WebhookDelivery.findById(id);
                d.status = WebhookDelivery.Status.DONE;
                d.attempts++;
                d.processedAt = clock.instant();
                d.outcome = result;
                d.lastError = null;
                return result;
            });
            LOG.debugf("webhook %s (%s, grant %s): %s", id, delivery.type, delivery.grantId, outcome);
            metrics.counter("relink.webhooks.applied", "outcome", outcome).increment();
            return true;
        } catch (NylasCallException e) {
            failed(id, e.getMessage());
            return false;
        }
    }

    private void failed(String id, String error) {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            WebhookDelivery d = WebhookDelivery.findById(id);
            d.attempts++;
            d.lastError = error;
            if (d.attempts >= config.maxAttempts()) {
                d.status = WebhookDelivery.Status.FAILED;
                LOG.warnf("webhook %s (grant %s) given up after %d attempts: %s; the next scan still finds the grant", id, d.grantId, d.attempts, error);
                metrics.counter("relink.webhooks.applied", "outcome", "FAILED").increment();
            } else {
                Duration backoff = Duration.ofSeconds(1L << Math.min(d.attempts, 9));
                d.nextAttemptAt = now.plus(backoff.compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff);
            }
        });
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
    }
}
