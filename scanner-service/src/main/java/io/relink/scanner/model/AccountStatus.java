package io.relink.scanner.model;

/** Where an account stands in the migration funnel. */
public enum AccountStatus {
    /** Found by a scan: a password eas/ews account; AccountDetected was published. */
    DETECTED,
    /**
     * Detected, but the notifier will not email its user, since the mailbox needs no migrating: on-premises Exchange
     * (AccountNotAffected, with the reason). Still scanned; emailed after all if an operator includes its domain.
     */
    NOT_AFFECTED,
    /** Its user was emailed (AccountNotified). */
    NOTIFIED,
    /** Its user re-authenticated with OAuth (AccountMigrated). */
    MIGRATED,
    /** A later scan found it no longer needs migrating (AccountResolved). */
    RESOLVED,
    /** An eas/ews account without authentication_type: listed for operators, never emailed. */
    UNKNOWN
}
