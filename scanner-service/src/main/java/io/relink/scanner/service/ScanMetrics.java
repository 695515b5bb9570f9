package io.relink.scanner.service;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relink.scanner.model.Scan;
import jakarta.enterprise.context.ApplicationScoped;

/** Scan progress for Prometheus: pages and accounts read, retries, scans by outcome, scans running here. */
@ApplicationScoped
public class ScanMetrics {
    private final Counter pages;
    private final Counter accounts;
    private final Counter retries;
    private final Timer store;
    private final Map<Scan.Status, Counter> ended = new EnumMap<>(Scan.Status.class);
    private final MeterRegistry registry;

    public ScanMetrics(MeterRegistry registry) {
        this.registry = registry;
        pages = Counter.builder("relink.scan.pages").description("Account pages accepted by scans").register(registry);
        accounts = Counter.builder("relink.scan.accounts").description("Accounts read by scans").register(registry);
        store = Timer.builder("relink.scan.store").description("Time to store a batch of accepted pages (registry, outbox, checkpoint)")
                .register(registry);
        retries = Counter.builder("relink.scan.retries").description("Page requests retried (429, 202, 5xx, I/O)").register(registry);
        for (Scan.Status status : Scan.Status.values()) {
            if (status != Scan.Status.RUNNING) {
                ended.put(status, Counter.builder("relink.scan.ended").tag("status", status.name())
                        .description("Scans that ended, by outcome").register(registry));
            }
        }
    }

    /** Scans running in this replica, read from the set the scan service keeps. */
    void trackRunning(Set<?> runningHere) {
        registry.gauge("relink.scan.running", runningHere, Set::size);
    }

    void scanEnded(Scan.Status status) {
        ended.get(status).increment();
    }

    void pageRead(int freshAccounts) {
        pages.increment();
        accounts.increment(freshAccounts);
    }

    void timeStore(Runnable storing) {
        store.record(storing);
    }

    void retried() {
        retries.increment();
    }
}
