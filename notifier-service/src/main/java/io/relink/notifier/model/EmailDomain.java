package io.relink.notifier.model;

import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A recipient domain: whether it has a Microsoft tenant, and what the operators decided for it. */
@Entity
@Table(name = "email_domain")
public class EmailDomain extends PanacheEntityBase {
    public enum Classification {
        /** Not looked up yet; its emails wait (briefly) for the answer. */
        PENDING,
        /** Microsoft knows a tenant for it: Exchange Online or hybrid, which the sign-in migrates. */
        EXCHANGE_ONLINE,
        /** Microsoft knows no tenant for it: on-premises Exchange. Held, not emailed, unless included. */
        ON_PREMISES,
        /** The lookup failed (or is turned off): emailed, listed for operators, asked again later. */
        UNCLASSIFIED
    }

    public enum Policy {
        /** Emailed whatever the classification says. */
        INCLUDE,
        /** Never emailed. */
        EXCLUDE
    }

    @Id
    public String domain;
    @Enumerated(EnumType.STRING)
    public Classification classification;
    @Column(name = "classified_at")
    public Instant classifiedAt;
    @Column(name = "classify_after")
    public Instant classifyAfter;
    @Column(name = "lookup_error")
    public String lookupError;
    @Enumerated(EnumType.STRING)
    public Policy policy;
    @Column(name = "policy_by")
    public String policyBy;
    @Column(name = "policy_at")
    public Instant policyAt;
    /** The language its users get their emails in; null for {@code relink.notify.locale}. */
    public String locale;
}
