package io.relink.notifier.service;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/**
 * Every text of the emails, in English here and in {@code messages/mail_<language>.properties} for the other
 * languages ({@code Languages.SUPPORTED}). Plain text: the templates add the markup.
 */
@MessageBundle(value = "mail", locale = "en")
public interface MailMessages {
    @Message("Action needed: reconnect your mailbox to {product}")
    String subject_initial(String product);

    @Message("Reminder: reconnect your mailbox to {product}")
    String subject_reminder(String product);

    @Message("Your mailbox is reconnected to {product}")
    String subject_confirmation(String product);

    @Message("[TEST]")
    String subject_test();

    @Message("Reconnect your mailbox")
    String heading_initial();

    @Message("Reminder: reconnect your mailbox")
    String heading_reminder();

    @Message("Hello,")
    String hello();

    @Message("Your mailbox {email} is connected to {product} with a password.")
    String connected(String email, String product);

    @Message("Microsoft has switched off password sign-in (Basic Authentication) for Exchange Online, so this connection stops working on {date} unless you reconnect it with a Microsoft sign-in.")
    String stops_on(String date);

    @Message("Microsoft has switched off password sign-in (Basic Authentication) for Exchange Online, so this connection will stop working unless you reconnect it with a Microsoft sign-in.")
    String stops();

    @Message("It takes a minute, and you will not enter your password here.")
    String takes_a_minute();

    @Message("Reconnect my mailbox")
    String button();

    @Message("Or open this address:")
    String or_open();

    @Message("How to tell this email is genuine")
    String genuine_heading();

    @Message("It comes from {sender}, and the link goes to {host}.")
    String genuine_from(String sender, String host);

    @Message("We never ask for your password by email. The sign-in happens on Microsoft's own page.")
    String genuine_password();

    @Message("If in doubt, ask {support} before you click.")
    String genuine_ask(String support);

    @Message("This link is personal and works for {lifetime}. If you did not connect this mailbox, you can ignore this email.")
    String personal(String lifetime);

    @Message("Your mailbox is reconnected")
    String confirmation_heading();

    @Message("Thank you. {email} is now connected to {product} with a Microsoft sign-in. You do not need to do anything else, and you will get no more reminders.")
    String confirmation_body(String email, String product);

    @Message("If this was not you, contact {support}.")
    String confirmation_not_you(String support);

    @Message("This is a test copy sent to {to}. Its link cannot reconnect any mailbox.")
    String test_banner(String to);

    @Message("This is a preview. Its link cannot reconnect any mailbox.")
    String preview_banner();

    @Message("{count} {#if count == 1}day{#else}days{/if}")
    String days(long count);

    @Message("{count} {#if count == 1}hour{#else}hours{/if}")
    String hours(long count);

    @Message("{count} {#if count == 1}minute{#else}minutes{/if}")
    String minutes(long count);
}
