package io.relink.sandbox.service;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.relink.sandbox.config.SandboxConfig;
import jakarta.enterprise.context.ApplicationScoped;

/** Decides, request by request, which configured fault (if any) a Nylas API request meets. */
@ApplicationScoped
public class FaultInjector {
    public sealed interface Fault {
    }

    public record RateLimited(int limit, int resetSeconds) implements Fault {
    }

    public record ServerError(int status) implements Fault {
    }

    public record NotReady() implements Fault {
    }

    public record DropConnection() implements Fault {
    }

    private static final int[] SERVER_ERRORS = { 500, 502, 503, 504 };

    private final SandboxConfig config;
    private final AccountStore accounts;
    private final RequestLog log;
    private final AtomicLong apiRequests = new AtomicLong();
    private final AtomicLong listings = new AtomicLong();
    private final AtomicLong windowStart = new AtomicLong();
    private final AtomicLong windowCount = new AtomicLong();
    private volatile FaultSettings settings;

    public FaultInjector(SandboxConfig config, AccountStore accounts, RequestLog log) {
        this.config = config;
        this.accounts = accounts;
        this.log = log;
        this.settings = FaultSettings.from(config.faults());
    }

    public FaultSettings settings() {
        return settings;
    }

    public void change(FaultSettings next) {
        settings = next;
    }

    public void reset() {
        settings = FaultSettings.from(config.faults());
        apiRequests.set(0);
        listings.set(0);
    }

    /** The fault for the next API request, counted in the request log. */
    public Optional<Fault> next() {
        FaultSettings s = settings;
        long n = apiRequests.incrementAndGet();
        Fault fault = null;
        if (s.maxRequestsPerSecond() > 0 && overRate(s.maxRequestsPerSecond())) {
            fault = new RateLimited(s.maxRequestsPerSecond(), 1);
        } else if (every(n, s.rateLimitEvery())) {
            fault = new RateLimited(Math.max(s.maxRequestsPerSecond(), 500), s.rateLimitResetSeconds());
        } else if (every(n, s.serverErrorEvery())) {
            fault = new ServerError(SERVER_ERRORS[(int) ((n / s.serverErrorEvery()) % SERVER_ERRORS.length)]);
        } else if (every(n, s.acceptedEvery())) {
            fault = new NotReady();
        } else if (every(n, s.dropConnectionEvery())) {
            fault = new DropConnection();
        }
        if (fault != null) {
            log.count("fault." + fault.getClass().getSimpleName());
        }
        return Optional.ofNullable(fault);
    }

    /** Account churn: called once per account listing that is answered. */
    public void onListing() {
        FaultSettings s = settings;
        long n = listings.incrementAndGet();
        if (every(n, s.deleteAccountEvery())) {
            accounts.deleteAt(AccountGenerator.mix(n ^ config.seed())).ifPresent(id -> log.count("churn.deleted"));
        }
        if (every(n, s.addAccountEvery())) {
            accounts.addGenerated();
            log.count("churn.added");
        }
    }

    private boolean overRate(int perSecond) {
        long second = System.currentTimeMillis() / 1000;
        long start = windowStart.get();
        if (start != second && windowStart.compareAndSet(start, second)) {
            windowCount.set(0);
        }
        return windowCount.incrementAndGet() > perSecond;
    }

    private static boolean every(long n, int every) {
        return every > 0 && n % every == 0;
    }
}
