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

    @WithDefault("Relink")
    String senderName();

    Optional<String> replyTo();

    /** The product the user connected their mailbox to, named in the email. */
    @WithDefault("your account")
    String productName();

    /** Where users can ask whether the email is genuine. */
    String supportContact();

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

    /** Emails per minute across all replicas; 0 is no limit. */
    @WithDefault("600")
    int ratePerMinute();

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
