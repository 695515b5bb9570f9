package io.relink.notifier.service;

import static io.relink.platform.persistence.NativeColumns.count;
import static io.relink.platform.persistence.NativeColumns.instant;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.relink.notifier.config.NotifyConfig;
import io.relink.notifier.model.EmailDomain;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * What the operators decide about the campaign, kept in the database so that every replica obeys it and it survives
 * restarts: the pause switch, approvals, and each domain's policy. An email is sent only when its account is approved
 * and its domain may be emailed ({@link #HOLD_REASON}); otherwise it is HELD, and released when that changes.
 */
@ApplicationScoped
public class Campaign {
    /**
     * Why an email to recipient {@code r} (domain {@code d}, outer-joined) must wait, or NULL when it may go out. The
     * one definition of "may be emailed", used when an email is intended, claimed and released.
     */
    static final String HOLD_REASON = "CASE WHEN r.approved_at IS NULL THEN 'AWAITING_APPROVAL' WHEN d.policy = 'EXCLUDE' THEN 'EXCLUDED' "
            + "WHEN d.policy = 'INCLUDE' THEN NULL WHEN d.classification = 'ON_PREMISES' THEN 'ON_PREMISES' "
            + "WHEN d.classification = 'PENDING' THEN 'CLASSIFYING' ELSE NULL END";

    public enum Scope {
        ALL,
        DOMAIN,
        ACCOUNTS
    }

    /** The pause switch, the approval mode, what waits, and the rate limits ({@code relink.notify.rate-*}) sending keeps to. */
    public record State(boolean paused, String changedBy, Instant changedAt, String reason, NotifyConfig.Approval approval,
            long awaitingApproval, long held, int ratePerMinute, int ratePerDomainPerMinute) {
    }

    public record ApprovalRecord(UUID id, String approvedBy, Instant approvedAt, Scope scope, String domain, List<String> accountIds,
            int approved) {
    }

    public record DomainView(String domain, EmailDomain.Classification classification, Instant classifiedAt, String lookupError,
            EmailDomain.Policy policy, String policyBy, Instant policyAt, String locale, Counts counts) {
    }

    /** Accounts of a domain: detected, approved, awaiting approval, with an email held, notified, migrated, failed, bounced. */
    public record Counts(long detected, long approved, long awaitingApproval, long held, long notified, long migrated, long failed,
            long bounced) {
    }

    private final NotifyConfig config;
    private final Clock clock;
    private final EntityManager entityManager;

    public Campaign(NotifyConfig config, Clock clock, EntityManager entityManager) {
        this.config = config;
        this.clock = clock;
        this.entityManager = entityManager;
    }

    /** Whether sending is paused; read by every claim, so a pause takes hold within one poll on every replica. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean paused() {
        return (Boolean) entityManager.createNativeQuery("SELECT paused FROM campaign_control").getSingleResult();
    }

    @Transactional
    public State state() {
        Object[] row = (Object[]) entityManager.createNativeQuery("SELECT paused, changed_by, changed_at, reason FROM campaign_control")
                .getSingleResult();
        long awaiting = count(entityManager.createNativeQuery("SELECT count(*) FROM recipient WHERE approved_at IS NULL AND state = 'OPEN'")
                .getSingleResult());
        long held = count(entityManager.createNativeQuery("SELECT count(*) FROM notification WHERE status = 'HELD'").getSingleResult());
        return new State((Boolean) row[0], (String) row[1], instant(row[2]), (String) row[3], config.approval(), awaiting, held,
                config.ratePerMinute(), config.ratePerDomainPerMinute());
    }

    /** Stops (or resumes) every send on every replica; sends already handed to SMTP finish. Idempotent. */
    @Transactional
    public State pause(boolean paused, String operator, String reason) {
        entityManager.createNativeQuery("UPDATE campaign_control SET paused = :paused, changed_by = :by, changed_at = :at, reason = :reason")
                .setParameter("paused", paused).setParameter("by", operator).setParameter("at", clock.instant())
                .setParameter("reason", reason).executeUpdate();
        return state();
    }

    /**
     * Approves the accounts awaiting approval in the scope (all, one domain, or a list of account ids), releases their
     * held emails, and records who did it. Accounts approved before are left as they are, so approving twice
     * approves nothing the second time; both requests are recorded.
     */
    @Transactional
    public ApprovalRecord approve(Scope scope, String domain, List<String> accountIds, String operator) {
        Instant now = clock.instant();
        String where = switch (scope) {
            case ALL -> "TRUE";
            case DOMAIN -> "r.domain = :domain";
            case ACCOUNTS -> "r.account_id = ANY(CAST(:ids AS TEXT[]))";
        };
        var approve = entityManager.createNativeQuery("UPDATE recipient r SET approved_at = :now, approved_by = :by "
                + "WHERE r.approved_at IS NULL AND r.state = 'OPEN' AND " + where).setParameter("now", now).setParameter("by", operator);
        bindScope(approve, scope, domain, accountIds);
        int approved = approve.executeUpdate();
        var release = entityManager.createNativeQuery(reconsiderSql(where)).setParameter("now", now);
        bindScope(release, scope, domain, accountIds);
        release.executeUpdate();
        UUID id = UUID.randomUUID();
        entityManager.createNativeQuery("INSERT INTO approval (id, approved_by, approved_at, scope, domain, account_ids, approved) "
                + "VALUES (:id, :by, :at, :scope, :domain, CAST(:ids AS TEXT[]), :approved)")
                .setParameter("id", id).setParameter("by", operator).setParameter("at", now).setParameter("scope", scope.name())
                .setParameter("domain", domain).setParameter("ids", accountIds == null ? null : SqlArrays.text(accountIds))
                .setParameter("approved", approved).executeUpdate();
        return new ApprovalRecord(id, operator, now, scope, domain, accountIds, approved);
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<ApprovalRecord> approvals(int max) {
        List<Object[]> rows = entityManager.createNativeQuery("SELECT id, approved_by, approved_at, scope, domain, "
                + "array_to_string(account_ids, ','), approved FROM approval ORDER BY approved_at DESC LIMIT :max").setParameter("max", max)
                .getResultList();
        return rows.stream().map(r -> new ApprovalRecord((UUID) r[0], (String) r[1], instant(r[2]), Scope.valueOf((String) r[3]), (String) r[4],
                r[5] == null ? null : List.of(((String) r[5]).split(",")), ((Number) r[6]).intValue())).toList();
    }

    /**
     * An operator's policy for a domain (null: follow the classification), which may be set before any of its users
     * is detected. Holds or releases the domain's emails at once.
     */
    @Transactional
    public DomainView setPolicy(String domain, EmailDomain.Policy policy, String operator) {
        Instant now = clock.instant();
        insertDomain(domain, now);
        entityManager.createNativeQuery("UPDATE email_domain SET policy = :policy, policy_by = :by, policy_at = :at WHERE domain = :domain")
                .setParameter("policy", policy == null ? null : policy.name()).setParameter("by", operator).setParameter("at", now)
                .setParameter("domain", domain).executeUpdate();
        reconsider(domain);
        return domains(domain).get(0);
    }

    /**
     * Makes sure the domain is known, PENDING a lookup (or UNCLASSIFIED when lookups are off), and holds a share lock
     * on it until the transaction ends: a classification or policy change (which locks the row to update it) then
     * waits for this transaction's email to be recorded, and judges it, instead of missing it; or it went first, and
     * the email is recorded under the new state.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void known(String domain, Instant now) {
        insertDomain(domain, now);
        entityManager.createNativeQuery("SELECT 1 FROM email_domain WHERE domain = :domain FOR SHARE").setParameter("domain", domain)
                .getResultList();
    }

    /** The language a domain's users get their emails in (a supported tag), or null for the default. */
    @Transactional
    public DomainView setLocale(String domain, String locale) {
        insertDomain(domain, clock.instant());
        entityManager.createNativeQuery("UPDATE email_domain SET locale = :locale WHERE domain = :domain").setParameter("locale", locale)
                .setParameter("domain", domain).executeUpdate();
        return domains(domain).get(0);
    }

    private void insertDomain(String domain, Instant now) {
        entityManager.createNativeQuery("INSERT INTO email_domain (domain, classification, classify_after) VALUES (:domain, :classification, :now) "
                + "ON CONFLICT DO NOTHING").setParameter("domain", domain)
                .setParameter("classification", (config.tenantDiscovery().enabled() ? EmailDomain.Classification.PENDING
                        : EmailDomain.Classification.UNCLASSIFIED).name())
                .setParameter("now", now).executeUpdate();
    }

    /**
     * After a domain's policy or classification changed: its pending emails that may no longer go out are held, and
     * its held emails that may now go out are due at once (the rate limits space them).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void reconsider(String domain) {
        entityManager.createNativeQuery(reconsiderSql("r.domain = :domain")).setParameter("now", clock.instant()).setParameter("domain", domain)
                .executeUpdate();
    }

    /** Every domain with its counts, most detected first; or only {@code domain}. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<DomainView> domains(String domain) {
        List<Object[]> rows = entityManager.createNativeQuery("SELECT d.domain, d.classification, d.classified_at, d.lookup_error, d.policy, "
                + "d.policy_by, d.policy_at, d.locale, count(r.account_id), count(r.approved_at), "
                + "count(r.account_id) FILTER (WHERE r.approved_at IS NULL AND r.state = 'OPEN'), count(r.account_id) FILTER (WHERE f.held), "
                + "count(r.account_id) FILTER (WHERE f.notified), count(r.account_id) FILTER (WHERE r.state = 'MIGRATED'), "
                + "count(r.account_id) FILTER (WHERE f.failed), count(r.account_id) FILTER (WHERE f.bounced) "
                + "FROM email_domain d LEFT JOIN recipient r ON r.domain = d.domain "
                + "LEFT JOIN (SELECT account_id, bool_or(status = 'HELD') AS held, bool_or(status = 'SENT' AND kind <> 'CONFIRMATION') AS notified, "
                + "bool_or(status = 'FAILED') AS failed, bool_or(status = 'BOUNCED') AS bounced FROM notification GROUP BY account_id) f "
                + "ON f.account_id = r.account_id WHERE (CAST(:domain AS TEXT) IS NULL OR d.domain = :domain) "
                + "GROUP BY d.domain ORDER BY count(r.account_id) DESC, d.domain").setParameter("domain", domain).getResultList();
        return rows.stream().map(r -> new DomainView((String) r[0], EmailDomain.Classification.valueOf((String) r[1]), instant(r[2]), (String) r[3],
                r[4] == null ? null : EmailDomain.Policy.valueOf((String) r[4]), (String) r[5], instant(r[6]), (String) r[7],
                new Counts(count(r[8]), count(r[9]), count(r[10]), count(r[11]), count(r[12]), count(r[13]), count(r[14]), count(r[15])))).toList();
    }

    /**
     * Judges again the emails of the recipients matching {@code where} (over {@code r}): a pending one that may no
     * longer go out is held; a held one that may now go out is due at once (or when it was due, if later), and one still
     * held gets its current reason. Confirmations are never held.
     */
    private static String reconsiderSql(String where) {
        return "UPDATE notification n SET status = CASE WHEN h.reason IS NULL THEN 'PENDING' ELSE 'HELD' END, held_reason = h.reason, "
                + "due_at = CASE WHEN h.reason IS NULL THEN GREATEST(n.due_at, :now) ELSE n.due_at END "
                + "FROM (SELECT r.account_id, " + HOLD_REASON + " AS reason FROM recipient r LEFT JOIN email_domain d ON d.domain = r.domain "
                + "WHERE " + where + ") h WHERE n.account_id = h.account_id AND n.kind <> 'CONFIRMATION' "
                + "AND (n.status = 'HELD' OR (n.status = 'PENDING' AND h.reason IS NOT NULL))";
    }

    private static void bindScope(jakarta.persistence.Query query, Scope scope, String domain, List<String> accountIds) {
        if (scope == Scope.DOMAIN) {
            query.setParameter("domain", domain);
        } else if (scope == Scope.ACCOUNTS) {
            query.setParameter("ids", SqlArrays.text(accountIds));
        }
    }
}
