package io.relink.scanner.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.relink.nylas.NylasAccount;
import io.relink.nylas.NylasClient;
import io.relink.nylas.NylasFailure;
import io.relink.scanner.config.ScanConfig;

/**
 * Reads one page completely or says why it cannot: paces requests, waits out 429s (X-RateLimit-Reset or
 * Retry-After) without counting them as failed attempts, and retries 202, 5xx and I/O errors with exponential backoff
 * and jitter, up to the configured attempts. Waiting is done by timers, not by blocked threads.
 */
public final class PageFetcher {
    private static final Logger LOG = Logger.getLogger(PageFetcher.class);

    /** A page that could not be read; the scan cannot be complete without it. */
    public static final class PageUnreadableException extends RuntimeException {
        public PageUnreadableException(String message) {
            super(message);
        }
    }

    /** Told of every retry, for the scan's counters. */
    public interface RetryListener {
        void retrying(long offset, int attempt, NylasFailure failure);
    }

    private final NylasClient client;
    private final Optional<String> connector;
    private final RequestPacer pacer;
    private final ScanConfig config;
    private static final int RATE_LIMITS_PER_ATTEMPT = 4;
    private final RetryListener listener;
    /** Requests waiting for one of the {@code concurrency} slots. */
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    /** {@code connector}: the one v3 connector the listing is filtered to, if any. */
    public PageFetcher(NylasClient client, ScanConfig config, Optional<String> connector, RetryListener listener) {
        this.client = client;
        this.connector = connector;
        this.config = config;
        this.listener = listener;
        this.pacer = new RequestPacer(config.maxRequestsPerSecond());
    }

    public CompletableFuture<List<NylasAccount>> fetch(long offset) {
        return attempt(offset, 1, 0, pacer.reserve());
    }

    /** One request, sent when a slot is free: at most {@code concurrency} are in flight, however far the scan reads ahead. */
    private CompletableFuture<NylasClient.AccountsPage> send(long offset) {
        CompletableFuture<NylasClient.AccountsPage> answer = new CompletableFuture<>();
        waiting.add(() -> client.accounts(offset, config.pageSize(), connector).whenComplete((a, e) -> {
            inFlight.decrementAndGet();
            startWaiting();
            if (e != null) {
                answer.completeExceptionally(e);
            } else {
                answer.complete(a);
            }
        }));
        startWaiting();
        return answer;
    }

    private void startWaiting() {
        while (true) {
            int current = inFlight.get();
            if (current >= config.concurrency() || waiting.isEmpty()) {
                return;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                Runnable next = waiting.poll();
                if (next == null) {
                    inFlight.decrementAndGet();
                    return;
                }
                next.run();
            }
        }
    }

    /**
     * {@code attempt} counts failures of the page; {@code throttled} counts 429s, which are the API asking to wait, not
     * a failure: they spend no attempt, but a list that stays rate limited for {@code RATE_LIMITS_PER_ATTEMPT} times
     * the attempts still ends the scan.
     */
    private CompletableFuture<List<NylasAccount>> attempt(long offset, int attempt, int throttled, Duration delay) {
        return CompletableFuture.supplyAsync(() -> offset, after(delay))
                .thenCompose(this::send)
                .thenCompose(answer -> {
                    if (answer.failure() == null) {
                        return CompletableFuture.completedFuture(answer.accounts());
                    }
                    NylasFailure failure = answer.failure();
                    boolean rateLimited = failure.waitAtLeast().isPresent();
                    boolean exhausted = rateLimited ? throttled + 1 >= RATE_LIMITS_PER_ATTEMPT * config.maxAttempts()
                            : attempt >= config.maxAttempts();
                    if (!failure.retryable() || exhausted) {
                        String message = "the page at offset " + offset + " could not be read"
                                + (failure.retryable() ? " after " + (attempt + throttled) + " attempts" : "") + ": " + failure.reason();
                        return CompletableFuture.failedFuture(new PageUnreadableException(message));
                    }
                    listener.retrying(offset, attempt, failure);
                    LOG.debugf("page at offset %d, attempt %d: %s; retrying", offset, attempt, failure.reason());
                    Duration backoff = failure.waitAtLeast().orElseGet(() -> backoff(attempt));
                    failure.waitAtLeast().ifPresent(pacer::pause);
                    Duration paced = pacer.reserve();
                    Duration wait = paced.compareTo(backoff) > 0 ? paced : backoff;
                    return rateLimited ? attempt(offset, attempt, throttled + 1, wait) : attempt(offset, attempt + 1, throttled, wait);
                });
    }

    /** Exponential from the initial backoff, capped, with full jitter in its upper half. */
    private Duration backoff(int attempt) {
        long base = config.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static Executor after(Duration delay) {
        return delay.isZero() || delay.isNegative() ? Runnable::run
                : CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
