package io.relink.scanner.service;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.relink.scanner.model.AccountStatus;
import io.relink.scanner.model.RegisteredAccount;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The migration funnel: how many accounts were detected, notified, migrated and resolved, in total or per scan, and
 * how many of the detected ones had an email bounce or were not affected (on-premises, never emailed).
 */
@ApplicationScoped
public class Funnel {
    /** Counts of the funnel. {@code detected} counts every account a scan ever detected. */
    public record Counts(long detected, long notified, long migrated, long resolved, long unknown, long bounced, long notAffected) {
    }

    private final Map<AccountStatus, AtomicLong> byStatus = new EnumMap<>(AccountStatus.class);
    private final AtomicLong bounced = new AtomicLong();

    public Funnel(MeterRegistry registry) {
        for (AccountStatus status : AccountStatus.values()) {
            AtomicLong gauge = new AtomicLong();
            byStatus.put(status, gauge);
            registry.gauge("relink.funnel.accounts", List.of(io.micrometer.core.instrument.Tag.of("status", status.name())), gauge);
        }
        registry.gauge("relink.funnel.bounced.accounts", bounced);
    }

    public Counts total() {
        return counts("1 = 1");
    }

    public Counts ofScan(UUID scanId) {
        return counts("detectedScanId = :scan", scanId);
    }

    public Map<AccountStatus, Long> byStatus() {
        Map<AccountStatus, Long> counts = new EnumMap<>(AccountStatus.class);
        for (AccountStatus status : AccountStatus.values()) {
            counts.put(status, 0L);
        }
        QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.getEntityManager()
                .createQuery("select a.status, count(a) from RegisteredAccount a group by a.status", Object[].class).getResultList())
                .forEach(row -> counts.put((AccountStatus) row[0], (Long) row[1]));
        return counts;
    }

    @Scheduled(every = "${relink.funnel.metrics-interval:15s}", delayed = "2s")
    void refreshGauges() {
        byStatus().forEach((status, count) -> byStatus.get(status).set(count));
        bounced.set(total().bounced());
    }

    private Counts counts(String where, UUID... scan) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = RegisteredAccount.getEntityManager().createQuery("select "
                    + "count(case when a.detectedScanId is not null then 1 end), "
                    + "count(case when a.notifications > 0 and a.detectedScanId is not null then 1 end), "
                    + "count(case when a.status = io.relink.scanner.model.AccountStatus.MIGRATED then 1 end), "
                    + "count(case when a.status = io.relink.scanner.model.AccountStatus.RESOLVED and a.detectedScanId is not null then 1 end), "
                    + "count(case when a.status = io.relink.scanner.model.AccountStatus.UNKNOWN then 1 end), "
                    + "count(case when a.bouncedAt is not null and a.detectedScanId is not null then 1 end), "
                    + "count(case when a.status = io.relink.scanner.model.AccountStatus.NOT_AFFECTED then 1 end) "
                    + "from RegisteredAccount a where " + where, Object[].class);
            if (scan.length > 0) {
                query.setParameter("scan", scan[0]);
            }
            Object[] r = query.getSingleResult();
            return new Counts((Long) r[0], (Long) r[1], (Long) r[2], (Long) r[3], (Long) r[4], (Long) r[5], (Long) r[6]);
        });
    }
}
