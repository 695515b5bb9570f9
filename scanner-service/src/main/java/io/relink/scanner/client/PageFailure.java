package io.relink.scanner.client;

import java.time.Duration;
import java.util.Optional;

/** Why a page request did not return a page, and whether trying again can help. */
public record PageFailure(String reason, boolean retryable, Optional<Duration> waitAtLeast) {

    static PageFailure retryable(String reason) {
        return new PageFailure(reason, true, Optional.empty());
    }

    static PageFailure rateLimited(String reason, Duration wait) {
        return new PageFailure(reason, true, Optional.of(wait));
    }

    static PageFailure fatal(String reason) {
        return new PageFailure(reason, false, Optional.empty());
    }
}
