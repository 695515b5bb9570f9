package io.relink.scanner.service;

import java.time.Instant;
import java.util.UUID;

import io.relink.events.AccountResolved.Reason;
import io.relink.scanner.client.NylasAccount;
import io.relink.scanner.model.AccountStatus;

/**
 * A registry row as a scan reads and changes it: where the account stands, and what the scan saw of it.
 * {@link RegistryRows} reads and writes these in batches.
 */
final class RegistryRow {
    final String accountId;
    /** Whether the row is in the database already (else it is inserted). */
    final boolean stored;
    AccountStatus status;
    UUID detectedScanId;
    Instant resolvedAt;
    String resolution;
    /** Why the account is UNKNOWN, while it is. */
    String unknownReason;
    /** The account as this scan saw it; null for a row the scan did not see (resolved as gone). */
    NylasAccount observed;
    private boolean changed;

    RegistryRow(String accountId, boolean stored, AccountStatus status, UUID detectedScanId, Instant resolvedAt, String resolution,
            String unknownReason) {
        this.accountId = accountId;
        this.stored = stored;
        this.status = status;
        this.detectedScanId = detectedScanId;
        this.resolvedAt = resolvedAt;
        this.resolution = resolution;
        this.unknownReason = unknownReason;
    }

    static RegistryRow unregistered(String accountId) {
        return new RegistryRow(accountId, false, null, null, null, null, null);
    }

    /**
     * A password account of a migrating provider. Returns true when it is newly detected (AccountDetected is
     * due): an account that is open already, or migrated, is not announced again.
     */
    boolean detect(UUID scanId) {
        if (status == null || status == AccountStatus.RESOLVED || status == AccountStatus.UNKNOWN) {
            status = AccountStatus.DETECTED;
            detectedScanId = scanId;
            unknownReason = null;
            clearResolution();
            return true;
        }
        return false;
    }

    /**
     * Never announced, so no event; an account that is back after being resolved is unknown again. An UNKNOWN row
     * takes the latest reason.
     */
    void markUnknown(String reason) {
        if (status == null || status == AccountStatus.RESOLVED) {
            status = AccountStatus.UNKNOWN;
            clearResolution();
        }
        if (status == AccountStatus.UNKNOWN && !reason.equals(unknownReason)) {
            unknownReason = reason;
            changed = true;
        }
    }

    /**
     * The account no longer needs migrating. Returns true when it had been announced (AccountResolved is due);
     * a migrated or already resolved account does not change.
     */
    boolean resolve(Reason reason, Instant now) {
        boolean announced = status == AccountStatus.DETECTED || status == AccountStatus.NOTIFIED;
        if (announced || status == AccountStatus.UNKNOWN) {
            status = AccountStatus.RESOLVED;
            resolvedAt = now;
            resolution = reason.name();
            unknownReason = null;
            changed = true;
        }
        return announced;
    }

    void observe(NylasAccount account) {
        observed = account;
        changed = true;
    }

    /** Whether the row must be written back. */
    boolean changed() {
        return changed;
    }

    private void clearResolution() {
        resolvedAt = null;
        resolution = null;
        changed = true;
    }
}
