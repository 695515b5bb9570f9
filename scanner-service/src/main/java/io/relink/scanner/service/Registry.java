package io.relink.scanner.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.relink.events.AccountBounced;
import io.relink.events.AccountNotAffected;
import io.relink.events.AccountDetected;
import io.relink.events.AccountMigrated;
import io.relink.events.AccountNotified;
import io.relink.events.AccountResolved;
import io.relink.events.AccountResolved.Reason;
import io.relink.events.RelinkEvent;
import io.relink.platform.outbox.Outbox;
import io.relink.platform.tracing.AccountTraces;
import io.relink.nylas.NylasAccount;
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
    private static final int ANALYZE_FIRST_AT_PAGES = 200;

    private final AccountClassifier classifier;
    private final AccountRows accountRows;
    private final Outbox outbox;
    private final Clock clock;
    private final AccountTraces traces;

    public Registry(AccountClassifier classifier, AccountRows accountRows, Outbox outbox, Clock clock, AccountTraces traces) {
        this.traces = traces;
        this.classifier = classifier;
        this.accountRows = accountRows;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Applies accepted pages of a scan: registry rows, their events, the counters and the checkpoint (the last
     * page) in one transaction.
     */
    @Transactional
    public void applyPages(UUID scanId, List<AcceptedPage> pages) {
        // A span per stored batch: the events of the accounts it detects or resolves start their traces here.
        traces.inSpan("scan store pages", SpanKind.INTERNAL, Context.current(), () -> store(scanId, pages));
    }

    private void store(UUID scanId, List<AcceptedPage> pages) {
        Instant now = clock.instant();
        Scan scan = Scan.findById(scanId);
        List<NylasAccount> fresh = pages.stream().flatMap(p -> p.fresh().stream()).toList();
        // Only accounts of a migrating provider are ever registered (one that moved to another provider under
        // the same id is resolved as gone when the scan completes).
        Map<String, AccountRow> rows = new HashMap<>(accountRows.lock(
                fresh.stream().filter(classifier::isMigratingProvider).map(NylasAccount::id).toList()));
        List<RelinkEvent> events = new ArrayList<>();
        for (NylasAccount account : fresh) {
            AccountRow row = rows.get(account.id());
            switch (classifier.verdict(account)) {
                case AFFECTED -> {
                    scan.affected++;
                    row = rows.computeIfAbsent(account.id(), AccountRow::unregistered);
                    if (row.detect(scanId)) {
                        scan.newlyDetected++;
                        events.add(account.grantStatus() != null
                                ? AccountDetected.ofGrant(now, account.id(), account.email(), account.provider(), account.grantStatus(),
                                        account.v2AccountId(), scanId)
                                : AccountDetected.of(now, account.id(), account.email(), account.provider(), account.syncState(),
                                        account.billingState(), scanId));
                    }
                }
                case UNKNOWN -> {
                    scan.unknown++;
                    row = rows.computeIfAbsent(account.id(), AccountRow::unregistered);
                    row.markUnknown(classifier.unknownReason(account));
                }
                case NOT_AFFECTED -> {
                    Reason reason = classifier.resolution(account).orElse(Reason.NOW_OAUTH);
                    if (row != null && row.resolve(reason, now)) {
                        scan.resolved++;
                        events.add(AccountResolved.of(now, row.accountId, reason, scanId));
                    }
                }
            }
            if (row != null) {
                row.observe(account);
            }
        }
        accountRows.write(rows.values(), scanId, now);
        outbox.publishAll(events);
        AcceptedPage last = pages.get(pages.size() - 1);
        long before = scan.pagesRead;
        scan.pagesRead += pages.size();
        scan.accountsSeen += fresh.size();
        scan.checkpointOffset = last.offset();
        scan.checkpointIds = String.join(",", last.pageIds());
        scan.heartbeatAt = now;
        // A first scan fills the registry from empty: fresh statistics keep the lookup above on the index. They
        // matter while the table grows fast relative to its size, so at 200, 400, 800, ... pages (autovacuum after).
        if (Long.numberOfLeadingZeros(before / ANALYZE_FIRST_AT_PAGES) != Long.numberOfLeadingZeros(scan.pagesRead / ANALYZE_FIRST_AT_PAGES)) {
            Scan.getEntityManager().createNativeQuery("ANALYZE account").executeUpdate();
        }
    }

    /**
     * The scan read the whole list: open accounts it did not see are gone. Only a complete scan may say so;
     * a failed one never resolves anything.
     */
    @Transactional
    public void complete(UUID scanId) {
        Instant now = clock.instant();
        Scan scan = Scan.findById(scanId);
        List<AccountRow> unseen = accountRows.lockUnseen(scanId, scan.startedAt);
        List<RelinkEvent> events = new ArrayList<>();
        for (AccountRow row : unseen) {
            if (row.resolve(Reason.GONE, now)) {
                scan.resolved++;
                events.add(AccountResolved.of(now, row.accountId, Reason.GONE, scanId));
            }
        }
        accountRows.write(unseen, scanId, now);
        outbox.publishAll(events);
        scan.status = Scan.Status.COMPLETED;
        scan.finishedAt = now;
        scan.checkpointIds = null;
    }

    /**
     * A Nylas webhook about a grant (v3), applied as the grant is now ({@code current}, read from Nylas after the
     * notification; empty when Nylas no longer has it): detected if it must migrate and was not open yet, resolved if it
     * no longer needs to (gone, or on another connector), else unchanged. Reading the grant rather than trusting the
     * notification makes repeats and reordering harmless. Returns what it did.
     */
    @Transactional(TxType.MANDATORY)
    public String applyGrant(String grantId, Optional<NylasAccount> current, String webhookId) {
        Instant now = clock.instant();
        AccountRow row = accountRows.lock(grantId);
        List<RelinkEvent> events = new ArrayList<>();
        String outcome = "UNCHANGED";
        if (current.isEmpty()) {
            if (row != null && row.resolve(Reason.GONE, now)) {
                events.add(AccountResolved.byWebhook(now, grantId, Reason.GONE, webhookId));
                outcome = "RESOLVED";
            }
        } else {
            NylasAccount grant = current.get();
            switch (classifier.verdict(grant)) {
                case AFFECTED -> {
                    row = row != null ? row : AccountRow.unregistered(grantId);
                    if (row.detect(null)) {
                        events.add(AccountDetected.ofGrantByWebhook(now, grantId, grant.email(), grant.provider(), grant.grantStatus(),
                                grant.v2AccountId(), webhookId));
                        outcome = "DETECTED";
                    }
                }
                case UNKNOWN -> {
                    row = row != null ? row : AccountRow.unregistered(grantId);
                    row.markUnknown(classifier.unknownReason(grant));
                    outcome = "UNKNOWN";
                }
                case NOT_AFFECTED -> {
                    Reason reason = classifier.resolution(grant).orElse(Reason.NOW_OAUTH);
                    if (row != null && row.resolve(reason, now)) {
                        events.add(AccountResolved.byWebhook(now, grantId, reason, webhookId));
                        outcome = "RESOLVED";
                    }
                }
            }
            if (row != null) {
                row.observe(grant);
            }
        }
        if (row != null) {
            accountRows.write(List.of(row), null, now);
        }
        outcome = row == null && current.isPresent() ? "NOT_OURS" : outcome;
        outbox.publishAll(events);
        return outcome;
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
        change(event, row -> row.notified(event.occurredAt()));
    }

    /** AccountNotAffected: the notifier will not email the user, for the event's reason. */
    @Transactional(TxType.MANDATORY)
    public void notAffected(AccountNotAffected event) {
        change(event, row -> row.notAffected(event.reason().name()));
    }

    /** AccountBounced: the user's mail server refused an email for good. */
    @Transactional(TxType.MANDATORY)
    public void bounced(AccountBounced event) {
        change(event, row -> row.bounced(event.occurredAt(), event.reply()));
    }

    /** AccountMigrated: the user re-authenticated. */
    @Transactional(TxType.MANDATORY)
    public void migrated(AccountMigrated event) {
        change(event, row -> row.migrated(event.occurredAt(), event.newAccountId()));
    }

    /** Locked, like the scan's rows, so a scan and the funnel never write back each other's old status. */
    private void change(RelinkEvent event, Consumer<AccountRow> transition) {
        AccountRow row = accountRows.lock(event.accountId());
        if (row == null) {
            LOG.infof("%s %s for account %s, which the registry does not hold", event.getClass().getSimpleName(), event.eventId(), event.accountId());
            return;
        }
        transition.accept(row);
        accountRows.write(List.of(row), null, clock.instant());
    }
}
