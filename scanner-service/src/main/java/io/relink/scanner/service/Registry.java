package io.relink.scanner.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.relink.events.AccountDetected;
import io.relink.events.AccountMigrated;
import io.relink.events.AccountNotified;
import io.relink.events.AccountResolved;
import io.relink.events.AccountResolved.Reason;
import io.relink.events.RelinkEvent;
import io.relink.platform.outbox.Outbox;
import io.relink.scanner.client.NylasAccount;
import io.relink.scanner.model.AccountStatus;
import io.relink.scanner.model.RegisteredAccount;
import io.relink.scanner.model.Scan;
import io.relink.scanner.service.ScanEngine.AcceptedPage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * The registry of affected accounts. Each change and the event that announces it commit together (outbox), and
 * each accepted page commits with the scan's counters and checkpoint, so a resumed scan repeats nothing.
 */
@ApplicationScoped
public class Registry {
    private static final Logger LOG = Logger.getLogger(Registry.class);
    /** Statuses whose accounts were announced with AccountDetected and are still open. */
    private static final int ANALYZE_EVERY_PAGES = 200;
    private static final EnumSet<AccountStatus> OPEN = EnumSet.of(AccountStatus.DETECTED, AccountStatus.NOTIFIED);

    private final AccountClassifier classifier;
    private final Outbox outbox;
    private final Clock clock;

    public Registry(AccountClassifier classifier, Outbox outbox, Clock clock) {
        this.classifier = classifier;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Applies accepted pages of a scan: registry rows, their events, the counters and the checkpoint (the last
     * page) in one transaction.
     */
    @Transactional
    public void applyPages(UUID scanId, List<AcceptedPage> pages) {
        Instant now = clock.instant();
        Scan scan = Scan.findById(scanId);
        List<NylasAccount> fresh = pages.stream().flatMap(p -> p.fresh().stream()).toList();
        Map<String, RegisteredAccount> known = known(fresh);
        List<RelinkEvent> events = new ArrayList<>();
        for (NylasAccount account : fresh) {
            RegisteredAccount row = known.get(account.id());
            switch (classifier.verdict(account)) {
                case AFFECTED -> {
                    scan.affected++;
                    if (row == null) {
                        row = newRow(account, now);
                    }
                    if (row.status == null || row.status == AccountStatus.RESOLVED || row.status == AccountStatus.UNKNOWN) {
                        row.status = AccountStatus.DETECTED;
                        row.detectedScanId = scanId;
                        row.resolvedAt = null;
                        row.resolution = null;
                        scan.newlyDetected++;
                        events.add(AccountDetected.of(now, account.id(), account.email(), account.provider(),
                                account.syncState(), account.billingState(), scanId));
                    }
                }
                case UNKNOWN -> {
                    scan.unknown++;
                    if (row == null) {
                        row = newRow(account, now);
                    }
                    // Never announced, so no event; an account that is back after being resolved is unknown again.
                    if (row.status == null || row.status == AccountStatus.RESOLVED) {
                        row.status = AccountStatus.UNKNOWN;
                        row.resolvedAt = null;
                        row.resolution = null;
                    }
                }
                case NOT_AFFECTED -> {
                    if (row != null) {
                        resolve(row, classifier.resolution(account).orElse(Reason.NOW_OAUTH), scan, now).ifPresent(events::add);
                    }
                }
            }
            if (row != null) {
                observe(row, account, scanId, now);
                if (!row.isPersistent()) {
                    row.persist();
                }
            }
        }
        // Rows first, then their events: each kind goes to the database in one batch.
        RegisteredAccount.flush();
        events.forEach(outbox::publish);
        AcceptedPage last = pages.get(pages.size() - 1);
        long before = scan.pagesRead;
        scan.pagesRead += pages.size();
        scan.accountsSeen += fresh.size();
        scan.checkpointOffset = last.offset();
        scan.checkpointIds = String.join(",", last.pageIds());
        scan.heartbeatAt = now;
        if (before / ANALYZE_EVERY_PAGES != scan.pagesRead / ANALYZE_EVERY_PAGES) {
            // A first scan fills the registry from empty: fresh statistics keep the lookup above on the index.
            RegisteredAccount.getEntityManager().createNativeQuery("ANALYZE account").executeUpdate();
        }
    }

    /**
     * The registry rows of the accounts that can have one: only accounts of a migrating provider are ever
     * registered (one that moved to another provider under the same id is resolved as gone when the scan
     * completes). One query with an array parameter, whatever the batch size.
     */
    @SuppressWarnings("unchecked")
    private Map<String, RegisteredAccount> known(List<NylasAccount> fresh) {
        String[] ids = fresh.stream().filter(classifier::isMigratingProvider).map(NylasAccount::id).toArray(String[]::new);
        if (ids.length == 0) {
            return Map.of();
        }
        List<RegisteredAccount> rows = RegisteredAccount.getEntityManager()
                .createNativeQuery("SELECT * FROM account WHERE account_id = ANY(?1)", RegisteredAccount.class)
                .setParameter(1, ids).getResultList();
        return rows.stream().collect(Collectors.toMap(a -> a.accountId, Function.identity()));
    }

    /**
     * The scan read the whole list: open accounts it did not see are gone. Only a complete scan may say so;
     * a failed one never resolves anything.
     */
    @Transactional
    public void complete(UUID scanId) {
        Instant now = clock.instant();
        Scan scan = Scan.findById(scanId);
        List<RegisteredAccount> unseen = RegisteredAccount.list("status in ?1 and (lastScanId is null or lastScanId <> ?2)",
                List.of(AccountStatus.DETECTED, AccountStatus.NOTIFIED, AccountStatus.UNKNOWN), scanId);
        unseen.forEach(row -> resolve(row, Reason.GONE, scan, now).ifPresent(outbox::publish));
        scan.status = Scan.Status.COMPLETED;
        scan.finishedAt = now;
        scan.checkpointIds = null;
    }

    @Transactional
    public void fail(UUID scanId, Scan.Status status, String reason) {
        Scan scan = Scan.findById(scanId);
        scan.status = status;
        scan.failureReason = reason;
        scan.finishedAt = clock.instant();
    }

    @Transactional
    public void countRetry(UUID scanId) {
        Scan.update("retries = retries + 1 where id = ?1", scanId);
    }

    /** AccountNotified: the user was emailed. */
    @Transactional(TxType.MANDATORY)
    public void notified(AccountNotified event) {
        find(event.accountId()).ifPresentOrElse(row -> {
            row.notifications++;
            row.lastNotifiedAt = event.occurredAt();
            if (row.status == AccountStatus.DETECTED) {
                row.status = AccountStatus.NOTIFIED;
            }
            row.updatedAt = clock.instant();
        }, () -> LOG.infof("AccountNotified %s for account %s, which the registry does not hold", event.eventId(), event.accountId()));
    }

    /** AccountMigrated: the user re-authenticated; the account is done, whatever its status was. */
    @Transactional(TxType.MANDATORY)
    public void migrated(AccountMigrated event) {
        find(event.accountId()).ifPresentOrElse(row -> {
            row.status = AccountStatus.MIGRATED;
            row.migratedAt = event.occurredAt();
            row.newAccountId = event.newAccountId();
            row.updatedAt = clock.instant();
        }, () -> LOG.infof("AccountMigrated %s for account %s, which the registry does not hold", event.eventId(), event.accountId()));
    }

    private static Optional<RegisteredAccount> find(String accountId) {
        return RegisteredAccount.findByIdOptional(accountId);
    }

    /** Resolves an open or unknown account; returns the AccountResolved to publish if it had been announced. */
    private static Optional<RelinkEvent> resolve(RegisteredAccount row, Reason reason, Scan scan, Instant now) {
        Optional<RelinkEvent> event = Optional.empty();
        if (OPEN.contains(row.status)) {
            scan.resolved++;
            event = Optional.of(AccountResolved.of(now, row.accountId, reason, scan.id));
        } else if (row.status != AccountStatus.UNKNOWN) {
            return event; // migrated or already resolved: nothing changes
        }
        row.status = AccountStatus.RESOLVED;
        row.resolvedAt = now;
        row.resolution = reason.name();
        row.updatedAt = now;
        return event;
    }

    private static RegisteredAccount newRow(NylasAccount account, Instant now) {
        RegisteredAccount row = new RegisteredAccount();
        row.accountId = account.id();
        row.firstSeenAt = now;
        return row;
    }

    private static void observe(RegisteredAccount row, NylasAccount account, UUID scanId, Instant now) {
        row.email = account.email();
        row.provider = account.provider();
        row.syncState = account.syncState();
        row.billingState = account.billingState();
        row.authenticationType = account.authenticationType();
        row.lastSeenAt = now;
        row.lastScanId = scanId;
        row.updatedAt = now;
    }
}
