package io.relink.scanner.service;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.hibernate.Session;

import io.relink.nylas.NylasAccount;
import io.relink.scanner.model.AccountStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * The only reader-for-update and writer of the {@code account} table: the scan and the funnel both change
 * {@link AccountRow}s and store them here. One statement per kind for a whole batch of pages, on the
 * transaction's own connection: a scan writes thousands of rows a second, and as entities (persistence context,
 * dirty checking, one bound statement per row) they cost more than the database work itself.
 *
 * <p>Rows are read {@code FOR UPDATE} and written whole (status and funnel columns): the scan and the funnel
 * consumer change the same rows, and the lock makes each apply its change to what the other last committed.
 */
@ApplicationScoped
public class AccountRows {
    private static final String COLUMNS = "account_id, status, detected_scan_id, resolved_at, resolution, unknown_reason,"
            + " notifications, last_notified_at, migrated_at, new_account_id, bounced_at, bounce_reply, not_affected_reason";
    private static final String LOCK = "SELECT " + COLUMNS + " FROM account WHERE account_id = ANY(?) ORDER BY account_id FOR UPDATE";
    // Seen by neither this scan nor anything since it started (a webhook about the grant, v3): gone.
    private static final String LOCK_UNSEEN = "SELECT " + COLUMNS + " FROM account"
            + " WHERE status IN ('DETECTED', 'NOTIFIED', 'NOT_AFFECTED', 'UNKNOWN') AND (last_scan_id IS NULL OR last_scan_id <> ?) AND last_seen_at < ?"
            + " ORDER BY account_id FOR UPDATE";
    private static final String STATUS_COLUMNS = "status = ?, detected_scan_id = ?, resolved_at = ?, resolution = ?, unknown_reason = ?,"
            + " notifications = ?, last_notified_at = ?, migrated_at = ?, new_account_id = ?, bounced_at = ?, bounce_reply = ?, not_affected_reason = ?";
    private static final String INSERT = "INSERT INTO account (account_id, email, provider, sync_state, billing_state, authentication_type,"
            + " grant_status, v2_account_id, status, detected_scan_id, resolved_at, resolution, unknown_reason, notifications, last_notified_at, migrated_at, new_account_id,"
            + " bounced_at, bounce_reply, not_affected_reason, first_seen_at, last_seen_at, last_scan_id, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_SEEN = "UPDATE account SET email = ?, provider = ?, sync_state = ?, billing_state = ?, authentication_type = ?,"
            + " grant_status = ?, v2_account_id = ?, "
            + STATUS_COLUMNS + ", last_seen_at = ?, last_scan_id = COALESCE(?, last_scan_id), updated_at = ? WHERE account_id = ?";
    private static final String UPDATE_STATUS = "UPDATE account SET " + STATUS_COLUMNS + ", updated_at = ? WHERE account_id = ?";

    private final EntityManager entityManager;

    public AccountRows(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** The stored rows of these accounts, locked until the transaction ends. */
    @Transactional(TxType.MANDATORY)
    Map<String, AccountRow> lock(Collection<String> accountIds) {
        if (accountIds.isEmpty()) {
            return Map.of();
        }
        return session().doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(LOCK)) {
                select.setArray(1, connection.createArrayOf("text", accountIds.toArray()));
                Map<String, AccountRow> rows = new HashMap<>();
                read(select, row -> rows.put(row.accountId, row));
                return rows;
            }
        });
    }

    /** The open and unknown rows that neither the given scan nor anything since its start saw, locked until the transaction ends. */
    @Transactional(TxType.MANDATORY)
    List<AccountRow> lockUnseen(UUID scanId, Instant scanStartedAt) {
        return session().doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(LOCK_UNSEEN)) {
                select.setObject(1, scanId);
                select.setObject(2, timestamp(scanStartedAt));
                List<AccountRow> rows = new ArrayList<>();
                read(select, rows::add);
                return rows;
            }
        });
    }

    /** The stored row of this account, locked until the transaction ends; null when the registry does not hold it. */
    @Transactional(TxType.MANDATORY)
    AccountRow lock(String accountId) {
        return lock(List.of(accountId)).get(accountId);
    }

    /**
     * Inserts the new rows and updates the changed ones, each kind in one batch; {@code scanId} is the scan that saw
     * them, or null for a webhook, which leaves the scan that last saw a row as it was.
     */
    @Transactional(TxType.MANDATORY)
    void write(Collection<AccountRow> rows, UUID scanId, Instant now) {
        OffsetDateTime at = timestamp(now);
        session().doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT);
                    PreparedStatement updateSeen = connection.prepareStatement(UPDATE_SEEN);
                    PreparedStatement updateStatus = connection.prepareStatement(UPDATE_STATUS)) {
                for (AccountRow row : rows) {
                    if (!row.changed()) {
                        continue;
                    }
                    if (!row.stored) {
                        insert.setString(1, row.accountId);
                        int next = bindObserved(insert, 2, row.observed);
                        next = bindStatus(insert, next, row);
                        insert.setObject(next++, at);
                        insert.setObject(next++, at);
                        insert.setObject(next++, scanId);
                        insert.setObject(next, at);
                        insert.addBatch();
                    } else if (row.observed != null) {
                        int next = bindObserved(updateSeen, 1, row.observed);
                        next = bindStatus(updateSeen, next, row);
                        updateSeen.setObject(next++, at);
                        updateSeen.setObject(next++, scanId);
                        updateSeen.setObject(next++, at);
                        updateSeen.setString(next, row.accountId);
                        updateSeen.addBatch();
                    } else {
                        int next = bindStatus(updateStatus, 1, row);
                        updateStatus.setObject(next++, at);
                        updateStatus.setString(next, row.accountId);
                        updateStatus.addBatch();
                    }
                }
                insert.executeBatch();
                updateSeen.executeBatch();
                updateStatus.executeBatch();
            }
        });
    }

    private Session session() {
        return entityManager.unwrap(Session.class);
    }

    private static void read(PreparedStatement select, Consumer<AccountRow> into) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                AccountRow row = new AccountRow(rs.getString("account_id"), true);
                row.status = AccountStatus.valueOf(rs.getString("status"));
                row.detectedScanId = rs.getObject("detected_scan_id", UUID.class);
                row.resolvedAt = instant(rs, "resolved_at");
                row.resolution = rs.getString("resolution");
                row.unknownReason = rs.getString("unknown_reason");
                row.notifications = rs.getInt("notifications");
                row.lastNotifiedAt = instant(rs, "last_notified_at");
                row.migratedAt = instant(rs, "migrated_at");
                row.newAccountId = rs.getString("new_account_id");
                row.bouncedAt = instant(rs, "bounced_at");
                row.bounceReply = rs.getString("bounce_reply");
                row.notAffectedReason = rs.getString("not_affected_reason");
                into.accept(row);
            }
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /** email, provider, sync_state, billing_state, authentication_type, grant_status, v2_account_id; returns the next parameter index. */
    private static int bindObserved(PreparedStatement statement, int from, NylasAccount account) throws SQLException {
        statement.setString(from, account.email());
        statement.setString(from + 1, account.provider());
        statement.setString(from + 2, account.syncState());
        statement.setString(from + 3, account.billingState());
        statement.setString(from + 4, account.authenticationType());
        statement.setString(from + 5, account.grantStatus());
        statement.setString(from + 6, account.v2AccountId());
        return from + 7;
    }

    /**
     * status, detected_scan_id, resolved_at, resolution, unknown_reason, notifications, last_notified_at,
     * migrated_at, new_account_id, bounced_at, bounce_reply, not_affected_reason; returns the next parameter index.
     */
    private static int bindStatus(PreparedStatement statement, int from, AccountRow row) throws SQLException {
        statement.setString(from, row.status.name());
        statement.setObject(from + 1, row.detectedScanId);
        statement.setObject(from + 2, timestamp(row.resolvedAt));
        statement.setString(from + 3, row.resolution);
        statement.setString(from + 4, row.unknownReason);
        statement.setInt(from + 5, row.notifications);
        statement.setObject(from + 6, timestamp(row.lastNotifiedAt));
        statement.setObject(from + 7, timestamp(row.migratedAt));
        statement.setString(from + 8, row.newAccountId);
        statement.setObject(from + 9, timestamp(row.bouncedAt));
        statement.setString(from + 10, row.bounceReply);
        statement.setString(from + 11, row.notAffectedReason);
        return from + 12;
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
