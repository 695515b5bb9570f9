package io.relink.scanner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.relink.events.AccountResolved.Reason;
import io.relink.nylas.NylasAccount;
import io.relink.scanner.model.AccountStatus;

/** Every status change of a registry account, without a database. */
@Tag("unit")
class AccountRowTest {
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private static final UUID SCAN = UUID.randomUUID();

    @Test
    void aNewPasswordAccountIsDetectedOnceAndAnnounced() {
        AccountRow row = AccountRow.unregistered("a1");
        assertTrue(row.detect(SCAN), "AccountDetected is due");
        assertEquals(AccountStatus.DETECTED, row.status);
        assertEquals(SCAN, row.detectedScanId);
        assertTrue(row.changed());
        assertFalse(row.detect(UUID.randomUUID()), "an open account is not announced again");
        assertEquals(SCAN, row.detectedScanId, "it keeps the scan that found it");
    }

    @Test
    void aNotifiedOrMigratedAccountIsNeverDetectedAgain() {
        AccountRow notified = stored(AccountStatus.NOTIFIED);
        assertFalse(notified.detect(SCAN));
        assertEquals(AccountStatus.NOTIFIED, notified.status);
        AccountRow migrated = stored(AccountStatus.MIGRATED);
        assertFalse(migrated.detect(SCAN));
        assertEquals(AccountStatus.MIGRATED, migrated.status);
        assertFalse(migrated.changed(), "nothing to write back");
    }

    @Test
    void aResolvedAccountThatIsBackIsDetectedAgainWithoutItsOldResolution() {
        AccountRow row = stored(AccountStatus.RESOLVED);
        row.resolvedAt = NOW.minusSeconds(3600);
        row.resolution = Reason.NOW_OAUTH.name();
        assertTrue(row.detect(SCAN));
        assertNull(row.resolvedAt);
        assertNull(row.resolution);
    }

    @Test
    void anUnknownAccountTakesTheLatestReasonAndIsDetectedOnceItHasAnAuthenticationType() {
        AccountRow row = AccountRow.unregistered("a1");
        row.markUnknown("NO_AUTHENTICATION_TYPE");
        assertEquals(AccountStatus.UNKNOWN, row.status);
        row.markUnknown("EMAIL_NOT_PLAIN");
        assertEquals("EMAIL_NOT_PLAIN", row.unknownReason);
        assertTrue(row.detect(SCAN), "an unknown account was never announced, so it is now");
        assertNull(row.unknownReason);
    }

    @Test
    void anUnchangedUnknownAccountIsNotWrittenBack() {
        AccountRow row = stored(AccountStatus.UNKNOWN);
        row.unknownReason = "NO_AUTHENTICATION_TYPE";
        row.markUnknown("NO_AUTHENTICATION_TYPE");
        assertFalse(row.changed());
    }

    @Test
    void onlyAnAnnouncedAccountIsAnnouncedAsResolved() {
        for (AccountStatus open : new AccountStatus[] { AccountStatus.DETECTED, AccountStatus.NOTIFIED }) {
            AccountRow row = stored(open);
            assertTrue(row.resolve(Reason.GONE, NOW), open + " was announced, so AccountResolved is due");
            assertEquals(AccountStatus.RESOLVED, row.status);
            assertEquals("GONE", row.resolution);
            assertEquals(NOW, row.resolvedAt);
        }
        AccountRow unknown = stored(AccountStatus.UNKNOWN);
        assertFalse(unknown.resolve(Reason.NOW_OAUTH, NOW), "never announced");
        assertEquals(AccountStatus.RESOLVED, unknown.status);
    }

    @Test
    void aMigratedAccountStaysMigratedWhenAScanNoLongerSeesIt() {
        AccountRow row = stored(AccountStatus.MIGRATED);
        assertFalse(row.resolve(Reason.GONE, NOW));
        assertEquals(AccountStatus.MIGRATED, row.status);
        assertNull(row.resolvedAt);
    }

    @Test
    void notificationsAreCountedAndMoveOnlyADetectedAccount() {
        AccountRow row = stored(AccountStatus.DETECTED);
        row.notified(NOW);
        row.notified(NOW.plusSeconds(60));
        assertEquals(AccountStatus.NOTIFIED, row.status);
        assertEquals(2, row.notifications);
        assertEquals(NOW.plusSeconds(60), row.lastNotifiedAt);

        AccountRow resolved = stored(AccountStatus.RESOLVED);
        resolved.notified(NOW);
        assertEquals(AccountStatus.RESOLVED, resolved.status, "a late email does not reopen a resolved account");
        assertEquals(1, resolved.notifications);
    }

    @Test
    void aDetectedAccountIsListedAsNotAffectedWithItsReasonAndEmailedAfterAllIfIncludedLater() {
        AccountRow row = stored(AccountStatus.DETECTED);
        row.notAffected("ON_PREMISES");
        assertEquals(AccountStatus.NOT_AFFECTED, row.status);
        assertEquals("ON_PREMISES", row.notAffectedReason);
        assertTrue(row.changed());
        AccountRow repeated = stored(AccountStatus.NOT_AFFECTED);
        repeated.notAffectedReason = "ON_PREMISES";
        repeated.notAffected("ON_PREMISES");
        assertFalse(repeated.changed(), "a repeated event changes nothing");
        assertFalse(row.detect(SCAN), "the next scan does not announce it again");
        row.notified(NOW);
        assertEquals(AccountStatus.NOTIFIED, row.status, "an operator included its domain and the user was emailed");
    }

    @Test
    void aLateNotAffectedChangesNoAccountThatMovedOn() {
        for (AccountStatus status : new AccountStatus[] {AccountStatus.NOTIFIED, AccountStatus.MIGRATED, AccountStatus.RESOLVED, AccountStatus.UNKNOWN}) {
            AccountRow row = stored(status);
            row.notAffected("ON_PREMISES");
            assertEquals(status, row.status, "from " + status);
            assertFalse(row.changed());
        }
    }

    @Test
    void aNotAffectedAccountThatIsGoneIsResolvedAndAnnounced() {
        AccountRow row = stored(AccountStatus.NOT_AFFECTED);
        assertTrue(row.resolve(Reason.GONE, NOW), "AccountResolved is due: the notifier holds its email");
        assertEquals(AccountStatus.RESOLVED, row.status);
    }

    @Test
    void aMigrationEndsTheAccountWhateverItsStatus() {
        for (AccountStatus status : AccountStatus.values()) {
            AccountRow row = stored(status);
            row.migrated(NOW, "new-a1");
            assertEquals(AccountStatus.MIGRATED, row.status, "from " + status);
            assertEquals("new-a1", row.newAccountId);
            assertEquals(NOW, row.migratedAt);
            assertTrue(row.changed());
        }
    }

    /**
     * The lost-update case: the funnel's change and the scan's observation land on the same row (each under the
     * row lock, one after the other), and neither undoes the other.
     */
    @Test
    void aScanAndTheFunnelChangingTheSameRowKeepEachOthersChanges() {
        AccountRow row = stored(AccountStatus.NOTIFIED);
        row.notifications = 1;
        row.migrated(NOW, "new-a1");
        NylasAccount seen = new NylasAccount("a1", "user@contoso.example", "eas", "running", "paid", "password");
        assertFalse(row.detect(SCAN), "the scan after the migration does not announce the account again");
        row.observe(seen);
        assertEquals(AccountStatus.MIGRATED, row.status);
        assertEquals(1, row.notifications);
        assertEquals("new-a1", row.newAccountId);
        assertEquals(seen, row.observed, "the scan's observation is written with the funnel's change");

        AccountRow scanned = stored(AccountStatus.DETECTED);
        scanned.observe(seen);
        scanned.notified(NOW);
        assertEquals(AccountStatus.NOTIFIED, scanned.status);
        assertEquals(seen, scanned.observed);
    }

    private static AccountRow stored(AccountStatus status) {
        AccountRow row = new AccountRow("a1", true);
        row.status = status;
        row.detectedScanId = UUID.randomUUID();
        return row;
    }
}
