package io.relink.notifier.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.notifier.client.TenantDiscoveryClient;
import io.relink.notifier.client.TenantDiscoveryClient.Answer;
import io.relink.notifier.config.NotifyConfig;
import io.relink.notifier.model.EmailDomain.Classification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Classifies each recipient domain as Exchange Online (a Microsoft tenant has it) or on-premises (none has), through
 * {@link TenantDiscoveryClient}, and asks again when the answer's TTL has passed. New domains come first: their
 * emails wait for the answer. A failed lookup never blocks an account: the domain becomes UNCLASSIFIED, its users
 * are emailed, and it is asked again after {@code retry-after-failure}. Replicas share the work: each takes a domain
 * by moving its next lookup time past the lookup's timeout, outside any lock held during the call.
 */
@ApplicationScoped
public class DomainClassifier {
    private static final Logger LOG = Logger.getLogger(DomainClassifier.class);
    private static final int BATCH = 16;

    private final NotifyConfig.TenantDiscovery config;
    private final TenantDiscoveryClient discovery;
    private final Campaign campaign;
    private final Clock clock;
    private final EntityManager entityManager;

    public DomainClassifier(NotifyConfig config, TenantDiscoveryClient discovery, Campaign campaign, Clock clock, EntityManager entityManager) {
        this.config = config.tenantDiscovery();
        this.discovery = discovery;
        this.campaign = campaign;
        this.clock = clock;
        this.entityManager = entityManager;
    }

    @Scheduled(every = "${relink.notify.tenant-discovery.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void classifyDue() {
        if (!config.enabled()) {
            return;
        }
        List<String> domains;
        while (!(domains = take()).isEmpty()) {
            for (String domain : domains) {
                TenantDiscoveryClient.Result result = discovery.lookUp(domain);
                QuarkusTransaction.requiringNew().run(() -> record(domain, result));
            }
        }
    }

    /** The next domains due for a lookup, new ones first, taken for the length of a lookup. */
    @SuppressWarnings("unchecked")
    private List<String> take() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            List<String> due = entityManager.createNativeQuery("SELECT domain FROM email_domain WHERE classify_after <= :now "
                    + "ORDER BY classification = 'PENDING' DESC, classify_after LIMIT :batch FOR UPDATE SKIP LOCKED")
                    .setParameter("now", now).setParameter("batch", BATCH).getResultList();
            if (!due.isEmpty()) {
                entityManager.createNativeQuery("UPDATE email_domain SET classify_after = :lease WHERE domain = ANY(CAST(:domains AS TEXT[]))")
                        .setParameter("lease", now.plus(config.timeout().multipliedBy(3)))
                        .setParameter("domains", SqlArrays.text(due)).executeUpdate();
            }
            return due;
        });
    }

    private void record(String domain, TenantDiscoveryClient.Result result) {
        Instant now = clock.instant();
        Classification classification = switch (result.answer()) {
            case TENANT -> Classification.EXCHANGE_ONLINE;
            case NO_TENANT -> Classification.ON_PREMISES;
            case UNKNOWN -> Classification.UNCLASSIFIED;
        };
        if (result.answer() == Answer.UNKNOWN) {
            LOG.warnf("tenant discovery for %s failed (%s); its users are emailed, and it is asked again in %s", domain, result.detail(),
                    config.retryAfterFailure());
        }
        // A domain classified before keeps its answer through a failed lookup: the answer is still the best known.
        entityManager.createNativeQuery("UPDATE email_domain SET classification = CASE WHEN :unknown AND classification <> 'PENDING' "
                + "THEN classification ELSE :classification END, classified_at = CASE WHEN :unknown THEN classified_at ELSE :now END, "
                + "lookup_error = :error, classify_after = :next WHERE domain = :domain")
                .setParameter("unknown", result.answer() == Answer.UNKNOWN).setParameter("classification", classification.name())
                .setParameter("now", now).setParameter("error", result.detail())
                .setParameter("next", now.plus(result.answer() == Answer.UNKNOWN ? config.retryAfterFailure() : config.ttl()))
                .setParameter("domain", domain).executeUpdate();
        campaign.reconsider(domain);
    }
}
