package io.relink.scanner.rest;

import java.time.Instant;
import java.util.UUID;

import io.relink.scanner.model.AccountStatus;
import io.relink.scanner.model.RegisteredAccount;

/** An account (v2) or grant (v3) in the registry as the API shows it; v3 adds its grant status and v2 account id. */
public record AccountView(String accountId, String email, String provider, AccountStatus status, String syncState, String billingState,
        String authenticationType, Instant firstSeenAt, Instant lastSeenAt, UUID detectedScanId, int notifications,
        Instant lastNotifiedAt, Instant migratedAt, String newAccountId, Instant resolvedAt, String resolution, String unknownReason,
        Instant bouncedAt, String bounceReply, String grantStatus, String v2AccountId, String notAffectedReason) {

    static final String CSV_HEADER = "account_id,email,provider,status,sync_state,billing_state,authentication_type,first_seen_at,"
            + "last_seen_at,detected_scan_id,notifications,last_notified_at,migrated_at,new_account_id,resolved_at,resolution,unknown_reason,"
            + "bounced_at,bounce_reply,grant_status,v2_account_id,not_affected_reason";

    static AccountView of(RegisteredAccount a) {
        return new AccountView(a.accountId, a.email, a.provider, a.status, a.syncState, a.billingState, a.authenticationType,
                a.firstSeenAt, a.lastSeenAt, a.detectedScanId, a.notifications, a.lastNotifiedAt, a.migratedAt, a.newAccountId,
                a.resolvedAt, a.resolution, a.unknownReason, a.bouncedAt, a.bounceReply, a.grantStatus, a.v2AccountId,
                a.notAffectedReason);
    }

    String csv() {
        return String.join(",", cell(accountId), cell(email), cell(provider), cell(status), cell(syncState), cell(billingState),
                cell(authenticationType), cell(firstSeenAt), cell(lastSeenAt), cell(detectedScanId), cell(notifications),
                cell(lastNotifiedAt), cell(migratedAt), cell(newAccountId), cell(resolvedAt), cell(resolution), cell(unknownReason),
                cell(bouncedAt), cell(bounceReply), cell(grantStatus), cell(v2AccountId),
                cell(notAffectedReason));
    }

    /** RFC 4180 quoting; a leading =, +, - or @ is quoted too, so a spreadsheet does not run it as a formula. */
    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        boolean formula = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0;
        if (formula || s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + (formula ? "'" : "") + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
