package io.relink.notifier.config;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the emails say and how they are sent ({@code relink.notify.*}). */
@ConfigMapping(prefix = "relink.notify")
public interface NotifyConfig {
    /** The From address. */
    String senderAddress();

    Optional<String> replyTo();

    /**
     * The language of the emails where the recipient's domain has none set ({@code PUT /api/domains/{domain}/locale}):
     * one of en, de, fr, es, pt-BR, it, nl, ja.
     */
    @WithDefault("en")
    String locale();

    /** The date after which the user's connection stops working; named in the email when set. */
    Optional<LocalDate> deadline();

    @WithDefault("3d")
    Duration reminderInterval();

    @WithDefault("3")
    int maxReminders();

    /** Keep reminding after the deadline has passed. */
    @WithDefault("false")
    boolean remindAfterDeadline();

    /** A short confirmation email after the user migrated. */
    @WithDefault("true")
    boolean confirmation();

    /** Attempts of one email before it is marked FAILED for operators. */
    @WithDefault("8")
    int maxTries();

    @WithDefault("30s")
    Duration retryBackoff();

    @WithDefault("1h")
    Duration maxRetryBackoff();

    /**
     * Emails per minute across all replicas, released smoothly (a token bucket in the database holding one second's
     * worth), never in bursts; 0 is no limit.
     */
    @WithDefault("600")
    int ratePerMinute();

    /**
     * Emails per minute to one recipient domain across all replicas, also smooth: Exchange Online throttles and
     * junk-filters bursts to one tenant. 0 is no limit.
     */
    @WithDefault("120")
    int ratePerDomainPerMinute();

    /**
     * {@code required}: newly detected accounts wait (AWAITING_APPROVAL) until an operator approves them;
     * {@code auto}: they are emailed at once.
     */
    @WithDefault("required")
    Approval approval();

    enum Approval {
        REQUIRED,
        AUTO
    }

    TenantDiscovery tenantDiscovery();

    /**
     * Whether each recipient domain has a Microsoft tenant (Exchange Online or hybrid) or not (on-premises Exchange,
     * which a Microsoft sign-in cannot migrate): Microsoft's OpenID configuration per domain.
     */
    interface TenantDiscovery {
        /** Off: every domain is UNCLASSIFIED, and emailed. */
        @WithDefault("true")
        boolean enabled();

        /** {@code {authority}/{domain}/v2.0/.well-known/openid-configuration}. */
        @WithDefault("https://login.microsoftonline.com")
        String authority();

        /** How long an answer holds before the domain is asked about again. */
        @WithDefault("7d")
        Duration ttl();

        /** When a lookup failed (the domain stays UNCLASSIFIED and is emailed), how soon to try again. */
        @WithDefault("10m")
        Duration retryAfterFailure();

        @WithDefault("10s")
        Duration timeout();

        @WithDefault("2s")
        Duration interval();
    }

    /** SMTP sends in flight at once per replica. */
    @WithDefault("8")
    int parallelSends();

    /** An email marked as sending for longer than this (its replica stopped) is tried again. */
    @WithDefault("5m")
    Duration sendingLease();

    @WithDefault("1s")
    Duration pollInterval();

    /** How often emails left SENDING by a replica that stopped are found and made due again. */
    @WithDefault("30s")
    Duration recoveryInterval();

    Smtp smtp();

    /** Deadlines of every SMTP exchange ({@code relink.notify.smtp.*}); the server is {@code quarkus.mailer.*}. */
    interface Smtp {
        /** To open the connection (TCP and, with TLS, the handshake). */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Longest silence of the server during any command or the data transfer; then the connection is closed. */
        @WithDefault("30s")
        Duration commandTimeout();

        /** The whole exchange, waiting for a pooled connection included. */
        @WithDefault("2m")
        Duration exchangeDeadline();
    }
}
