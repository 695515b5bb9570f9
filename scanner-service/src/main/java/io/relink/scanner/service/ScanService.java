package io.relink.scanner.service;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.relink.nylas.NylasClient;
import io.relink.scanner.client.PageFetcher;
import io.relink.scanner.client.PageFetcher.PageUnreadableException;
import io.relink.scanner.config.ScanConfig;
import io.relink.scanner.model.Scan;
import io.relink.scanner.service.ScanEngine.IncompleteScanException;
import io.relink.scanner.service.ScanEngine.ScanStoppedException;
import io.relink.scanner.service.ScanEngine.Start;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.PersistenceException;

/**
 * Starts, runs and resumes scans. One scan runs at a time across replicas (a unique index on running scans);
 * the replica running it keeps a heartbeat, and a scan whose heartbeat went stale (its replica stopped or
 * crashed) is taken over and resumed from its checkpoint.
 */
@ApplicationScoped
public class ScanService {
    private static final Logger LOG = Logger.getLogger(ScanService.class);

    /** Another scan is running; its id is in the message. */
    public static final class ScanAlreadyRunningException extends RuntimeException {
        private final UUID running;

        public ScanAlreadyRunningException(UUID running) {
            super("scan " + running + " is already running");
            this.running = running;
        }

        public UUID running() {
            return running;
        }
    }

    private final ScanConfig config;
    private final NylasClient client;
    private final AccountClassifier classifier;
    private final Registry registry;
    private final ScanMetrics metrics;
    private final Clock clock;
    private final String owner;
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "relink-scan");
        t.setDaemon(true);
        return t;
    });
    private final Set<UUID> runningHere = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopping = new AtomicBoolean();

    public ScanService(ScanConfig config, NylasClient client, AccountClassifier classifier, Registry registry, ScanMetrics metrics, Clock clock) {
        this.config = config;
        this.classifier = classifier;
        this.client = client;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
        this.owner = hostName() + "/" + UUID.randomUUID();
        metrics.trackRunning(runningHere);
    }

    /** Starts a scan now; throws {@link ScanAlreadyRunningException} while another runs. */
    public Scan start(String trigger) {
        Scan scan = new Scan();
        scan.id = UUID.randomUUID();
        scan.status = Scan.Status.RUNNING;
        scan.trigger = trigger;
        scan.startedAt = clock.instant();
        scan.heartbeatAt = scan.startedAt;
        scan.owner = owner;
        scan.pageSize = config.pageSize();
        try {
            QuarkusTransaction.requiringNew().run(() -> scan.persistAndFlush());
        } catch (PersistenceException e) {
            if (isUniqueViolation(e)) {
                throw new ScanAlreadyRunningException(runningScan().map(s -> s.id).orElse(null));
            }
            throw e;
        }
        LOG.infof("scan %s started (%s)", scan.id, trigger);
        launch(scan.id, Start.fromBeginning());
        return scan;
    }

    @Scheduled(cron = "${relink.scan.schedule}", identity = "scheduled-scan")
    void scheduled() {
        try {
            start("schedule");
        } catch (ScanAlreadyRunningException e) {
            LOG.infof("scheduled scan skipped: %s", e.getMessage());
        }
    }

    /** Keeps the heartbeat of scans running here, and takes over scans whose replica went away. */
    @Scheduled(every = "${relink.scan.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeatAndTakeOver() {
        if (stopping.get()) {
            return;
        }
        Instant now = clock.instant();
        if (!runningHere.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() ->
                    Scan.update("heartbeatAt = ?1 where id in ?2 and status = ?3", now, List.copyOf(runningHere), Scan.Status.RUNNING));
        }
        Optional<Scan> stale = QuarkusTransaction.requiringNew().call(() -> Scan.<Scan>find(
                "status = ?1 and heartbeatAt < ?2", Scan.Status.RUNNING, now.minus(config.lease())).firstResultOptional());
        stale.filter(s -> !runningHere.contains(s.id)).ifPresent(s -> takeOver(s, now));
    }

    private void takeOver(Scan stale, Instant now) {
        // Only one replica wins: the update checks the heartbeat it saw.
        int won = QuarkusTransaction.requiringNew().call(() -> Scan.update(
                "owner = ?1, heartbeatAt = ?2, resumed = resumed + 1 where id = ?3 and heartbeatAt = ?4 and status = ?5",
                owner, now, stale.id, stale.heartbeatAt, Scan.Status.RUNNING));
        if (won == 1) {
            Start start = stale.checkpointOffset == null ? Start.fromBeginning()
                    : new Start(stale.checkpointOffset, stale.checkpointIdList());
            LOG.infof("resuming scan %s from offset %s (its replica stopped)", stale.id, start.offset());
            launch(stale.id, start);
        }
    }

    private void launch(UUID scanId, Start start) {
        runningHere.add(scanId);
        runner.submit(() -> run(scanId, start));
    }

    private void run(UUID scanId, Start start) {
        try {
            PageFetcher fetcher = new PageFetcher(client, config, classifier.listingFilter(), (offset, attempt, failure) -> {
                metrics.retried();
                registry.countRetry(scanId);
            });
            // Reads ahead further than the requests in flight, so storing a batch never leaves the connections idle.
            ScanEngine engine = new ScanEngine(fetcher::fetch, config.pageSize(), config.overlap(), config.concurrency() * 4,
                    config.maxBridges(), stopping::get);
            engine.run(start, pages -> {
                metrics.timeStore(() -> registry.applyPages(scanId, pages));
                pages.forEach(page -> metrics.pageRead(page.fresh().size()));
            });
            registry.complete(scanId);
            metrics.scanEnded(Scan.Status.COMPLETED);
            LOG.infof("scan %s completed", scanId);
        } catch (ScanStoppedException e) {
            LOG.infof("scan %s stopped at its checkpoint; it resumes when a replica takes it over", scanId);
        } catch (PageUnreadableException e) {
            end(scanId, Scan.Status.FAILED, e.getMessage());
        } catch (IncompleteScanException e) {
            end(scanId, Scan.Status.INCOMPLETE, e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "scan %s failed", scanId);
            end(scanId, Scan.Status.FAILED, "unexpected error: " + e);
        } finally {
            runningHere.remove(scanId);
        }
    }

    private void end(UUID scanId, Scan.Status status, String reason) {
        LOG.warnf("scan %s ended %s: %s", scanId, status, reason);
        registry.fail(scanId, status, reason);
        metrics.scanEnded(status);
    }

    public Optional<Scan> runningScan() {
        return QuarkusTransaction.requiringNew().call(() -> Scan.<Scan>find("status", Scan.Status.RUNNING).firstResultOptional());
    }

    /**
     * Stops the scans running here at their next page, leaving them RUNNING with their checkpoint; another
     * replica (or this one, restarted) resumes them once their lease runs out. Called on shutdown.
     */
    public void stopLocalScans() {
        stopping.set(true);
    }

    /** Lets this replica run and take over scans again (after {@link #stopLocalScans()}). */
    public void resumeLocalScans() {
        stopping.set(false);
    }

    public boolean isRunningHere(UUID scanId) {
        return runningHere.contains(scanId);
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stopLocalScans();
        runner.shutdown();
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && "23505".equals(c.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "scanner";
        }
    }
}
