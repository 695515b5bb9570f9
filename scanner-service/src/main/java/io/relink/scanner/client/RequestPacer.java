package io.relink.scanner.client;

import java.time.Duration;

/**
 * Spaces requests to at most {@code perSecond}, and holds all of them back after a 429 until the rate limit
 * resets: one slow page should not let the others run into the same limit.
 */
public final class RequestPacer {
    private final long intervalNanos;
    private long nextFree;
    private long pausedUntil;

    public RequestPacer(int perSecond) {
        this.intervalNanos = 1_000_000_000L / Math.max(1, perSecond);
        this.nextFree = System.nanoTime();
    }

    /** Reserves the next slot; returns how long to wait before sending. */
    public synchronized Duration reserve() {
        long now = System.nanoTime();
        long slot = Math.max(Math.max(nextFree, now), pausedUntil);
        nextFree = slot + intervalNanos;
        return Duration.ofNanos(slot - now);
    }

    /** No request before {@code wait} from now. */
    public synchronized void pause(Duration wait) {
        pausedUntil = Math.max(pausedUntil, System.nanoTime() + wait.toNanos());
    }
}
