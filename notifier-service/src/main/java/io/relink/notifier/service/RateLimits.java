package io.relink.notifier.service;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import io.relink.notifier.config.NotifyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The sending rate limits, global and per recipient domain: token buckets in the database ({@code rate_bucket}), so
 * all replicas share them. A bucket holds at most half a second's worth of emails (at least one) and refills
 * continuously, so emails leave at an even pace: no second carries more than 1.5 seconds' worth, never a minute's
 * budget at once, and a backlog (a resumed pause, a release) drains at the configured rate. The global bucket's row lock orders replicas that claim at once; domain
 * buckets are locked after it, in name order, so two claims cannot deadlock.
 */
@ApplicationScoped
public class RateLimits {
    private static final String GLOBAL = "global";

    private final double globalPerSecond;
    private final double domainPerSecond;
    private final EntityManager em;

    public RateLimits(NotifyConfig config, EntityManager em) {
        this.globalPerSecond = config.ratePerMinute() / 60.0;
        this.domainPerSecond = config.ratePerDomainPerMinute() / 60.0;
        this.em = em;
    }

    /** SQL (over recipient {@code r}, with parameter {@code now}) that is true while {@code r}'s domain has no whole email left in its bucket. */
    public String domainExhausted() {
        if (domainPerSecond <= 0) {
            return "FALSE";
        }
        return "EXISTS (SELECT 1 FROM rate_bucket b WHERE b.name = 'domain:' || r.domain AND b.tokens "
                + "+ GREATEST(0, EXTRACT(EPOCH FROM (CAST(:now AS TIMESTAMPTZ) - b.refilled_at))) * " + domainPerSecond + " < 1)";
    }

    /** Emails the global bucket allows now; locks it until the transaction ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int globalAllowance(Instant now) {
        return globalPerSecond <= 0 ? Integer.MAX_VALUE : allowance(GLOBAL, globalPerSecond, now);
    }

    /** Emails each domain's bucket allows now; locks them until the transaction ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, Integer> domainAllowance(Collection<String> domains, Instant now) {
        Map<String, Integer> allowed = new LinkedHashMap<>();
        for (String domain : new TreeSet<>(domains)) {
            allowed.put(domain, domainPerSecond <= 0 ? Integer.MAX_VALUE : allowance("domain:" + domain, domainPerSecond, now));
        }
        return allowed;
    }

    /** Takes the emails just claimed out of the buckets (refilled to now first). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void spend(Instant now, int total, Map<String, Integer> perDomain) {
        if (globalPerSecond > 0 && total > 0) {
            take(GLOBAL, globalPerSecond, now, total);
        }
        if (domainPerSecond > 0) {
            perDomain.forEach((domain, count) -> {
                if (count > 0) {
                    take("domain:" + domain, domainPerSecond, now, count);
                }
            });
        }
    }

    private int allowance(String name, double perSecond, Instant now) {
        double capacity = capacity(perSecond);
        em.createNativeQuery("INSERT INTO rate_bucket (name, tokens, refilled_at) VALUES (:name, :capacity, :now) ON CONFLICT DO NOTHING")
                .setParameter("name", name).setParameter("capacity", capacity).setParameter("now", now).executeUpdate();
        Number tokens = (Number) em.createNativeQuery("SELECT LEAST(:capacity, tokens + GREATEST(0, EXTRACT(EPOCH FROM (CAST(:now AS TIMESTAMPTZ) "
                + "- refilled_at))) * :rate) FROM rate_bucket WHERE name = :name FOR UPDATE")
                .setParameter("capacity", capacity).setParameter("now", now).setParameter("rate", perSecond).setParameter("name", name)
                .getSingleResult();
        return (int) Math.floor(tokens.doubleValue());
    }

    private void take(String name, double perSecond, Instant now, int count) {
        em.createNativeQuery("UPDATE rate_bucket SET tokens = LEAST(:capacity, tokens + GREATEST(0, EXTRACT(EPOCH FROM (CAST(:now AS TIMESTAMPTZ) "
                + "- refilled_at))) * :rate) - :count, refilled_at = GREATEST(refilled_at, CAST(:now AS TIMESTAMPTZ)) WHERE name = :name")
                .setParameter("capacity", capacity(perSecond)).setParameter("now", now).setParameter("rate", perSecond)
                .setParameter("count", count).setParameter("name", name).executeUpdate();
    }

    /**
     * Half a second's worth, and at least one email, so a low rate still sends. Measured by CampaignBenchmark at a
     * 100/s limit: a one-second bucket let 181 emails through in one second; a fifth of a second made each claim take
     * one or two emails, and the claims' own cost held sending to 47/s.
     */
    private static double capacity(double perSecond) {
        return Math.max(1.0, perSecond / 2);
    }
}
