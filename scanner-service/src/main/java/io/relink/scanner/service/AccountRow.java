package io.relink.scanner.service;

import java.time.Instant;
import java.util.UUID;

import io.relink.events.AccountResolved.Reason;
import io.relink.nylas.NylasAccount;
import io.relink.scanner.model.AccountStatus;

/**
 * A registry account where it stands, and every change of status it can go through: detected, unknown and
 * resolved by a scan, notified and migrated by the funnel. Plain Java, so each rule is tested without a database;
 * {@link AccountRows} alone reads (locked) and writes these, for the scan and the funnel alike.
 */
final class AccountRow {
    final String accountId;
    /** Whether the row is in the database already (else it is inserted). */
    final boolean stored;
    AccountStatus status;
    UUID detectedScanId;
    Instant resolvedAt;
    String resolution;
    /** Why the account is UNKNOWN, while it is. */
    String unknownReason;
    /** Why the account is (or was last) NOT_AFFECTED. */
    String notAffectedReason;
    int notifications;
    Instant lastNotifiedAt;
    Instant migratedAt;
    String newAccountId;
    Instant bouncedAt;
    String bounceReply;
    /** The account as this scan saw it; null for a row the scan did not see (resolved as gone) or the funnel's. */
    NylasAccount observed;
    private boolean changed;

    AccountRow(String accountId, boolean stored) {
        this.accountId = accountId;
        this.stored = stored;
    }

    static AccountRow unregistered(String accountId) {
        return new AccountRow(accountId, false);
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
        boolean announced = status == AccountStatus.DETECTED || status == AccountStatus.NOTIFIED || status == AccountStatus.NOT_AFFECTED;
        if (announced || status == AccountStatus.UNKNOWN) {
            status = AccountStatus.RESOLVED;
            resolvedAt = now;
            resolution = reason.name();
            unknownReason = null;
            changed = true;
        }
        return announced;
    }

    /** What the scan saw of the account; its columns are written with the row. */
    void observe(NylasAccount account) {
        observed = account;
        changed = true;
    }

    /**
     * The notifier will not email its user (AccountNotAffected): a detected account is listed as not affected, with
     * the reason. An account emailed, migrated or resolved meanwhile stays where it is, so a late event changes nothing.
     */
    void notAffected(String reason) {
        if (status == AccountStatus.DETECTED || status == AccountStatus.NOT_AFFECTED && !reason.equals(notAffectedReason)) {
            status = AccountStatus.NOT_AFFECTED;
            notAffectedReason = reason;
            changed = true;
        }
    }

    /**
     * Its user was emailed (AccountNotified): counted whatever the status, and a detected account moves on, as does
     * one that was not affected until an operator included its domain.
     */
    void notified(Instant at) {
        notifications++;
        lastNotifiedAt = at;
        if (status == AccountStatus.DETECTED || status == AccountStatus.NOT_AFFECTED) {
            status = AccountStatus.NOTIFIED;
        }
        changed = true;
    }

    /**
     * Its user's mail server refused an email for good (AccountBounced): recorded, whatever the status; the status
     * stays, since a bounce neither notifies nor resolves the account.
     */
    void bounced(Instant at, String reply) {
        bouncedAt = at;
        bounceReply = reply;
        changed = true;
    }

    /** Its user re-authenticated (AccountMigrated): the account is done, whatever its status was. */
    void migrated(Instant at, String newAccountId) {
        status = AccountStatus.MIGRATED;
        migratedAt = at;
        this.newAccountId = newAccountId;
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
