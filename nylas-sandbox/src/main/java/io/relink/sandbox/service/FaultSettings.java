package io.relink.sandbox.service;

import io.relink.sandbox.config.SandboxConfig;

/** The faults in force; every field 0 means off. The body of {@code GET/PUT /sandbox/faults}. */
public record FaultSettings(
        long latencyMillis,
        int rateLimitEvery,
        int maxRequestsPerSecond,
        int rateLimitResetSeconds,
        int serverErrorEvery,
        int acceptedEvery,
        int dropConnectionEvery,
        int deleteAccountEvery,
        int addAccountEvery) {

    public FaultSettings {
        if (latencyMillis < 0 || rateLimitEvery < 0 || maxRequestsPerSecond < 0 || rateLimitResetSeconds < 0
                || serverErrorEvery < 0 || acceptedEvery < 0 || dropConnectionEvery < 0 || deleteAccountEvery < 0
                || addAccountEvery < 0) {
            throw new IllegalArgumentException("fault settings must not be negative");
        }
        if (rateLimitResetSeconds == 0) {
            rateLimitResetSeconds = 1;
        }
    }

    static FaultSettings from(SandboxConfig.Faults f) {
        return new FaultSettings(f.latency().toMillis(), f.rateLimitEvery(), f.maxRequestsPerSecond(), f.rateLimitResetSeconds(),
                f.serverErrorEvery(), f.acceptedEvery(), f.dropConnectionEvery(), f.deleteAccountEvery(), f.addAccountEvery());
    }
}
