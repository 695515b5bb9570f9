package io.relink.reauth.service;

import java.time.Clock;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.model.Migration;
import io.relink.reauth.model.OAuthState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * What reauth keeps, it keeps only as long as it serves: expired sign-in states (refused anyway), access tokens past
 * {@code relink.reauth.token-retention} (the row stays, saying when its token went), and failure records past
 * {@code relink.reauth.failure-retention}.
 */
@ApplicationScoped
public class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final ReauthConfig config;
    private final Clock clock;
    private final EntityManager entityManager;

    public Retention(ReauthConfig config, Clock clock, EntityManager entityManager) {
        this.config = config;
        this.clock = clock;
        this.entityManager = entityManager;
    }

    @Scheduled(every = "${relink.reauth.purge-interval}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void purge() {
        Instant now = clock.instant();
        long states = QuarkusTransaction.requiringNew().call(() -> OAuthState.delete("expiresAt < ?1", now));
        long tokens = QuarkusTransaction.requiringNew().call(() -> Migration.update(
                "tokenCiphertext = null, tokenPurgedAt = ?1 where tokenCiphertext is not null and migratedAt < ?2",
                now, now.minus(config.reauth().tokenRetention())));
        long failures = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createNativeQuery("DELETE FROM reauth_failure WHERE occurred_at < :before")
                .setParameter("before", now.minus(config.reauth().failureRetention())).executeUpdate());
        if (tokens > 0 || failures > 0) {
            LOG.infof("deleted %d access tokens past their retention and %d failure records", tokens, failures);
        }
        if (states > 0) {
            LOG.debugf("deleted %d expired sign-in states", states);
        }
    }
}
