package io.relink.console.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.relink.console.client.NotifierApi;
import io.relink.console.client.ReauthApi;
import io.relink.console.client.ScannerApi;
import io.relink.console.config.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;

/** What the console's pages show, put together from the three services' admin APIs. */
@ApplicationScoped
public class Campaign {
    /** The funnel and migrations chart of the overview. */
    public record Overview(List<Charts.Bar> funnel, Charts.Daily daily, NotifierApi.CampaignState state, ScannerApi.Scan lastScan) {
        /** The funnel chart's height: a row per stage. */
        public int funnelHeight() {
            return funnel.size() * 30;
        }
    }

    /**
     * A scan's progress: {@code percent} against the accounts the last complete scan saw (null when there is none
     * yet, so the bar is indeterminate), the rate so far and the time left at that rate. {@code partial}: it ended
     * without reading every page, so its numbers are a floor, not a count.
     */
    public record Progress(String id, String status, long pagesRead, long accountsSeen, long affected, Long expected, Integer percent,
            double ratePerSecond, Long etaSeconds, boolean running, boolean partial, String failureReason) {
    }

    /** One thing that happened to an account, from whichever service saw it. */
    public record TimelineEntry(Instant at, String what, String detail, String kind) {
    }

    private final ScannerApi scanner;
    private final NotifierApi notifier;
    private final ReauthApi reauth;
    private final ConsoleConfig config;
    private final Clock clock = Clock.systemUTC();

    public Campaign(@RestClient ScannerApi scanner, @RestClient NotifierApi notifier, @RestClient ReauthApi reauth, ConsoleConfig config) {
        this.scanner = scanner;
        this.notifier = notifier;
        this.reauth = reauth;
        this.config = config;
    }

    public Overview overview() {
        ScannerApi.Summary summary = ServiceCall.call("the scanner", scanner::summary);
        List<NotifierApi.Domain> domains = ServiceCall.call("the notifier", notifier::domains);
        long approved = domains.stream().mapToLong(d -> d.counts().approved()).sum();
        long emailed = domains.stream().mapToLong(d -> d.counts().notified()).sum();
        long failed = domains.stream().mapToLong(d -> d.counts().failed()).sum();
        long unclassified = domains.stream().filter(d -> "UNCLASSIFIED".equals(d.classification()) || "PENDING".equals(d.classification()))
                .mapToLong(d -> d.counts().detected()).sum();
        ScannerApi.Funnel f = summary.funnel();
        List<Charts.Bar> funnel = Charts.funnel(List.of(
                new Charts.Stage("Detected", "detected", "affected mailboxes found by the scans", f.detected()),
                new Charts.Stage("Approved", "approved", "approved to be emailed", approved),
                new Charts.Stage("Emailed", "emailed", "sent at least one email", emailed),
                new Charts.Stage("Migrated", "migrated", "moved to OAuth", f.migrated()),
                new Charts.Stage("Bounced", "bounced", "an email bounced", f.bounced()),
                new Charts.Stage("Failed", "failed", "an email could not be sent", failed),
                new Charts.Stage("On-premises", "onprem", "not affected: left alone", f.notAffected()),
                new Charts.Stage("Unclassified", "unclassified", "domain not (yet) classified: emailed", unclassified)));
        long remaining = Math.max(0, f.detected() - f.migrated() - f.notAffected() - f.resolved());
        Charts.Daily daily = Charts.daily(ServiceCall.call("the scanner", scanner::daily), LocalDate.now(clock), config.deadline(), remaining);
        List<ScannerApi.Scan> scans = scans();
        return new Overview(funnel, daily, state(), scans.isEmpty() ? null : scans.get(0));
    }

    public NotifierApi.CampaignState state() {
        return ServiceCall.call("the notifier", notifier::campaign);
    }

    public List<ScannerApi.Scan> scans() {
        return ServiceCall.call("the scanner", scanner::scans);
    }

    public ScannerApi.Scan startScan() {
        return ServiceCall.call("the scanner", scanner::startScan);
    }

    /** The progress of the newest scan (empty before the first). */
    public Optional<Progress> progress() {
        return progress(scans());
    }

    /** The progress of the newest of {@code scans} (newest first), measured against the last complete one before it. */
    public static Optional<Progress> progress(List<ScannerApi.Scan> scans) {
        if (scans.isEmpty()) {
            return Optional.empty();
        }
        ScannerApi.Scan scan = scans.get(0);
        Long expected = scans.stream().skip(1).filter(s -> "COMPLETED".equals(s.status())).findFirst().map(ScannerApi.Scan::accountsSeen)
                .filter(n -> n > 0).orElse(null);
        boolean running = "RUNNING".equals(scan.status());
        boolean complete = "COMPLETED".equals(scan.status());
        Integer percent = complete ? Integer.valueOf(100)
                : expected == null ? null : (int) Math.min(99, scan.accountsSeen() * 100 / expected);
        double seconds = scan.durationSeconds() == null ? 0 : scan.durationSeconds();
        double rate = seconds <= 0 ? 0 : scan.accountsSeen() / seconds;
        Long eta = running && expected != null && rate > 0 ? Long.valueOf((long) Math.ceil(Math.max(0, expected - scan.accountsSeen()) / rate)) : null;
        return Optional.of(new Progress(scan.id().toString(), scan.status(), scan.pagesRead(), scan.accountsSeen(), scan.affected(), expected,
                percent, Math.round(rate * 10) / 10.0, eta, running, !running && !complete, scan.failureReason()));
    }

    public List<NotifierApi.Domain> domains() {
        return ServiceCall.call("the notifier", notifier::domains);
    }

    public NotifierApi.Domain domain(String domain) {
        return ServiceCall.call("the notifier", () -> notifier.domain(domain));
    }

    public NotifierApi.Approval approveDomain(String domain) {
        return ServiceCall.call("the notifier", () -> notifier.approve(new NotifierApi.ApprovalRequest(null, domain)));
    }

    public NotifierApi.Approval approveAll() {
        return ServiceCall.call("the notifier", () -> notifier.approve(new NotifierApi.ApprovalRequest(true, null)));
    }

    public NotifierApi.Domain setPolicy(String domain, String policy) {
        return ServiceCall.call("the notifier", () -> notifier.policy(domain, new NotifierApi.PolicyRequest(policy)));
    }

    public NotifierApi.Domain setLocale(String domain, String locale) {
        return ServiceCall.call("the notifier", () -> notifier.locale(domain, new NotifierApi.LocaleRequest(locale == null || locale.isBlank() ? null : locale)));
    }

    public NotifierApi.CampaignState pause(String reason) {
        return ServiceCall.call("the notifier", () -> notifier.pause(new NotifierApi.PauseRequest(reason == null || reason.isBlank() ? null : reason.strip())));
    }

    public NotifierApi.CampaignState resume() {
        return ServiceCall.call("the notifier", notifier::resume);
    }

    public List<NotifierApi.Approval> approvals() {
        return ServiceCall.call("the notifier", notifier::approvals);
    }

    public ScannerApi.AccountPage search(String q, String status, int page) {
        return ServiceCall.call("the scanner", () -> scanner.accounts(q == null || q.isBlank() ? null : q.strip(),
                status == null || status.isBlank() ? null : status, page, 50));
    }

    public ScannerApi.Account account(String id) {
        return ServiceCall.call("the scanner", () -> scanner.account(id));
    }

    public List<NotifierApi.Notification> emails(String accountId) {
        return ServiceCall.call("the notifier", () -> notifier.notifications(accountId, null));
    }

    /** Everything that happened to an account, oldest first: detected, each email, each sign-in and refusal, migrated. */
    public List<TimelineEntry> timeline(ScannerApi.Account account, List<NotifierApi.Notification> emails) {
        List<TimelineEntry> entries = new java.util.ArrayList<>();
        entries.add(new TimelineEntry(account.firstSeenAt(), "Detected", "by scan " + account.detectedScanId() + " (" + account.provider() + ")", "detected"));
        for (NotifierApi.Notification n : emails) {
            String what = switch (n.status()) {
                case "SENT" -> "Email sent";
                case "BOUNCED" -> "Email bounced";
                case "FAILED" -> "Email failed";
                case "HELD" -> "Email held";
                default -> "Email " + n.status().toLowerCase(java.util.Locale.ROOT);
            };
            Instant at = n.sentAt() != null ? n.sentAt() : n.createdAt();
            String detail = n.kind().toLowerCase(java.util.Locale.ROOT) + (n.attempt() > 1 ? " #" + n.attempt() : "")
                    + (n.heldReason() != null ? ": " + n.heldReason() : "") + (n.lastError() != null ? ": " + n.lastError() : "");
            entries.add(new TimelineEntry(at, what, detail, n.status().toLowerCase(java.util.Locale.ROOT)));
        }
        for (ReauthApi.HandOverEvent e : ServiceCall.call("reauth", () -> reauth.handOvers(account.accountId()))) {
            switch (e.type()) {
                case "STARTED" -> entries.add(new TimelineEntry(e.at(), "Clicked the link and started signing in", e.detail(), "clicked"));
                case "REFUSED" -> entries.add(new TimelineEntry(e.at(), "Hand-over refused: " + e.refusal(), e.detail(), "refused"));
                case "MIGRATED" -> entries.add(new TimelineEntry(e.at(), "Migrated", e.detail(), "migrated"));
                default -> entries.add(new TimelineEntry(e.at(), e.type(), e.detail(), "refused"));
            }
        }
        if (account.bouncedAt() != null) {
            entries.add(new TimelineEntry(account.bouncedAt(), "Bounce reported", account.bounceReply(), "bounced"));
        }
        if (account.resolvedAt() != null) {
            entries.add(new TimelineEntry(account.resolvedAt(), "Resolved", account.resolution(), "migrated"));
        }
        entries.sort(java.util.Comparator.comparing(TimelineEntry::at, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
        return entries;
    }

    public NotifierApi.Preview preview(String accountId, String kind) {
        return ServiceCall.call("the notifier", () -> notifier.preview(accountId, kind));
    }

    public NotifierApi.Preview sendTest(String accountId, String to, String kind) {
        return ServiceCall.call("the notifier", () -> notifier.sendTest(accountId, new NotifierApi.TestSendRequest(to, kind)));
    }

    public NotifierApi.Notification resend(java.util.UUID notificationId) {
        return ServiceCall.call("the notifier", () -> notifier.resend(notificationId));
    }

    public List<NotifierApi.Notification> emailsWithStatus(String status) {
        return ServiceCall.call("the notifier", () -> notifier.notifications(null, status));
    }

    public List<ReauthApi.RefusalCount> refusals() {
        return ServiceCall.call("reauth", () -> reauth.refusals(30));
    }

}
