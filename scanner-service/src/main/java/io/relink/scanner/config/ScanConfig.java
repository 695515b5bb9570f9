package io.relink.scanner.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How scans run ({@code relink.scan.*}). */
@ConfigMapping(prefix = "relink.scan")
public interface ScanConfig {
    /**
     * What must migrate: on v3 the connectors whose grants move to {@code microsoft} (default {@code ews}); on v2 the
     * providers whose password accounts must move to OAuth (default {@code eas,ews}).
     */
    Optional<List<String>> providers();

    /** Accounts per request; the SDKs use 100. */
    @WithDefault("100")
    int pageSize();

    /**
     * Accounts each page shares with the one before, so accounts deleted while the scan runs cannot make others
     * slip between pages; more deletions than this between two page reads are bridged by an extra read.
     */
    @WithDefault("10")
    int overlap();

    /**
     * Page requests in flight at once; {@link #maxRequestsPerSecond()} caps the rate. To reach that rate the requests
     * in flight must cover the rate times each page's latency: 32 covers 400/s at 80 ms a page. With 12, a scan of
     * 100,000 accounts against the sandbox's 20 ms reached 76-89% of the rate in a freshly started scanner (pages
     * wait for a busy CPU), 89-94% with 24 or 32.
     */
    @WithDefault("32")
    int concurrency();

    /** Client-side limit, below Nylas's ~500 per second per endpoint. */
    @WithDefault("400")
    int maxRequestsPerSecond();

    /** Attempts per page before the scan ends FAILED. */
    @WithDefault("8")
    int maxAttempts();

    @WithDefault("250ms")
    Duration initialBackoff();

    @WithDefault("30s")
    Duration maxBackoff();

    /** Extra reads allowed to bridge gaps left by deletions before the scan ends INCOMPLETE. */
    @WithDefault("1000")
    int maxBridges();

    /** A running scan whose heartbeat is older than this is taken over and resumed from its checkpoint. */
    @WithDefault("30s")
    Duration lease();

    /** How often a running scan renews its heartbeat and stale scans are looked for. */
    @WithDefault("2s")
    Duration heartbeatInterval();

    /** Cron for scheduled scans; {@code off} by default. */
    @WithDefault("off")
    String schedule();
}
