package io.relink.nylas;

import java.time.Duration;

/**
 * Told how long each Nylas call that a caller waits on took (the code exchange, the {@code /connect} pair,
 * downgrade, revoke-all), answered or not: so a service can show how much of a request's time was Nylas's.
 * Any CDI bean of this type is told.
 */
@FunctionalInterface
public interface NylasCallObserver {
    void took(String call, Duration time);
}
