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

import io.relink.scanner.client.NylasAccount;
import io.relink.scanner.model.AccountStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * Reads and writes the registry rows a scan touches, one statement per kind for a whole batch of pages, on the
 * transaction's own connection. A scan writes thousands of rows a second; as entities (persistence context,
 * dirty checking, one bound statement per row) they cost more than the database work itself.
 *
 * <p>Rows are read {@code FOR UPDATE}: the funnel consumer changes the same rows (NOTIFIED, MIGRATED) and locks
 * them too, so neither writes back a status the other has just changed.
 */
@ApplicationScoped
public class RegistryRows {
    private static final String COLUMNS = "account_id, status, detected_scan_id, resolved_at, resolution, unknown_reason";
    private static final String LOCK = "SELECT " + COLUMNS + " FROM account WHERE account_id = ANY(?) ORDER BY account_id FOR UPDATE";
    private static final String LOCK_UNSEEN = "SELECT " + COLUMNS + " FROM account"
            + " WHERE status IN ('DETECTED', 'NOTIFIED', 'UNKNOWN') AND (last_scan_id IS NULL OR last_scan_id <> ?) ORDER BY account_id FOR UPDATE";
    private static final String INSERT = "INSERT INTO account (account_id, email, provider, sync_state, billing_state, authentication_type,"
            + " status, detected_scan_id, resolved_at, resolution, unknown_reason, first_seen_at, last_seen_at, last_scan_id, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_SEEN = "UPDATE account SET email = ?, provider = ?, sync_state = ?, billing_state = ?, authentication_type = ?,"
            + " status = ?, detected_scan_id = ?, resolved_at = ?, resolution = ?, unknown_reason = ?, last_seen_at = ?, last_scan_id = ?, updated_at = ?"
            + " WHERE account_id = ?";
    private static final String UPDATE_STATUS = "UPDATE account SET status = ?, detected_scan_id = ?, resolved_at = ?, resolution = ?, unknown_reason = ?, updated_at = ?"
            + " WHERE account_id = ?";

    private final EntityManager entityManager;

    public RegistryRows(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** The stored rows of these accounts, locked until the transaction ends. */
    @Transactional(TxType.MANDATORY)
    Map<String, RegistryRow> lock(Collection<String> accountIds) {
        if (accountIds.isEmpty()) {
            return Map.of();
        }
        return session().doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(LOCK)) {
                select.setArray(1, connection.createArrayOf("text", accountIds.toArray()));
                Map<String, RegistryRow> rows = new HashMap<>();
                read(select, row -> rows.put(row.accountId, row));
                return rows;
            }
        });
    }

    /** The open and unknown rows the given scan did not see, locked until the transaction ends. */
    @Transactional(TxType.MANDATORY)
    List<RegistryRow> lockUnseen(UUID scanId) {
        return session().doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(LOCK_UNSEEN)) {
                select.setObject(1, scanId);
                List<RegistryRow> rows = new ArrayList<>();
                read(select, rows::add);
                return rows;
            }
        });
    }

    /** Inserts the new rows and updates the changed ones, each kind in one batch. */
    @Transactional(TxType.MANDATORY)
    void write(Collection<RegistryRow> rows, UUID scanId, Instant now) {
        OffsetDateTime at = timestamp(now);
        session().doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT);
                    PreparedStatement updateSeen = connection.prepareStatement(UPDATE_SEEN);
                    PreparedStatement updateStatus = connection.prepareStatement(UPDATE_STATUS)) {
                for (RegistryRow row : rows) {
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

    private static void read(PreparedStatement select, Consumer<RegistryRow> into) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                OffsetDateTime resolvedAt = rs.getObject("resolved_at", OffsetDateTime.class);
                into.accept(new RegistryRow(rs.getString("account_id"), true, AccountStatus.valueOf(rs.getString("status")),
                        rs.getObject("detected_scan_id", UUID.class), resolvedAt == null ? null : resolvedAt.toInstant(),
                        rs.getString("resolution"), rs.getString("unknown_reason")));
            }
        }
    }

    /** email, provider, sync_state, billing_state, authentication_type; returns the next parameter index. */
    private static int bindObserved(PreparedStatement statement, int from, NylasAccount account) throws SQLException {
        statement.setString(from, account.email());
        statement.setString(from + 1, account.provider());
        statement.setString(from + 2, account.syncState());
        statement.setString(from + 3, account.billingState());
        statement.setString(from + 4, account.authenticationType());
        return from + 5;
    }

    /** status, detected_scan_id, resolved_at, resolution, unknown_reason; returns the next parameter index. */
    private static int bindStatus(PreparedStatement statement, int from, RegistryRow row) throws SQLException {
        statement.setString(from, row.status.name());
        statement.setObject(from + 1, row.detectedScanId);
        statement.setObject(from + 2, row.resolvedAt == null ? null : timestamp(row.resolvedAt));
        statement.setString(from + 3, row.resolution);
        statement.setString(from + 4, row.unknownReason);
        return from + 5;
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
