package io.relink.scanner.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.relink.scanner.model.Scan;
import io.relink.scanner.service.Funnel;

/** A scan as the API shows it: status, progress, errors, duration and the funnel of the accounts it detected. */
public record ScanView(UUID id, Scan.Status status, String trigger, Instant startedAt, Instant finishedAt, Double durationSeconds,
        long pagesRead, long accountsSeen, long affected, long unknown, long newlyDetected, long resolved, long retries,
        int resumed, String failureReason, Funnel.Counts funnel) {

    static ScanView of(Scan s, Funnel.Counts funnel) {
        Instant end = s.finishedAt != null ? s.finishedAt : Instant.now();
        return new ScanView(s.id, s.status, s.trigger, s.startedAt, s.finishedAt, Duration.between(s.startedAt, end).toMillis() / 1000.0,
                s.pagesRead, s.accountsSeen, s.affected, s.unknown, s.newlyDetected, s.resolved, s.retries, s.resumed, s.failureReason,
                funnel);
    }
}
