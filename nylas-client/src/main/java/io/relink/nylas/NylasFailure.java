package io.relink.nylas;

import java.time.Duration;
import java.util.Optional;

/** Why a Nylas call did not give its answer, and whether trying again can help (and how long to wait first). */
public record NylasFailure(String reason, boolean retryable, Optional<Duration> waitAtLeast) {

    static NylasFailure retryable(String reason) {
        return new NylasFailure(reason, true, Optional.empty());
    }

    static NylasFailure rateLimited(String reason, Duration wait) {
        return new NylasFailure(reason, true, Optional.of(wait));
    }

    static NylasFailure fatal(String reason) {
        return new NylasFailure(reason, false, Optional.empty());
    }
}
