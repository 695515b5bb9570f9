package io.relink.scanner.model;

/** Where an account stands in the migration funnel. */
public enum AccountStatus {
    /** Found by a scan: a password eas/ews account; AccountDetected was published. */
    DETECTED,
    /** Its user was emailed (AccountNotified). */
    NOTIFIED,
    /** Its user re-authenticated with OAuth (AccountMigrated). */
    MIGRATED,
    /** A later scan found it no longer needs migrating (AccountResolved). */
    RESOLVED,
    /** An eas/ews account without authentication_type: listed for operators, never emailed. */
    UNKNOWN
}
