package io.relink.reauth.rest;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/**
 * Every text of the pages, in English here and in {@code messages/page_<language>.properties} for the other languages
 * ({@code Languages.SUPPORTED}); the browser's Accept-Language chooses.
 */
@MessageBundle(value = "page", locale = "en")
public interface PageMessages {
    @Message("Reconnect {email}")
    String link_title(String email);

    @Message("Your mailbox is connected to {product} with a password, which Microsoft no longer accepts. Reconnect it with a Microsoft sign-in: you will not give us your password.")
    String link_text(String product);

    @Message("Reconnect my mailbox")
    String link_button();

    @Message("You will be taken to Microsoft's sign-in page and brought back here.")
    String link_note();

    @Message("Taking you to the sign-in page")
    String to_sign_in_title();

    @Message("If nothing happens,")
    String to_sign_in_text();

    @Message("continue to sign in")
    String to_sign_in_link();

    @Message("Your mailbox is reconnected")
    String done_title();

    @Message("Thank you. There is nothing more to do; you can close this page.")
    String done_text();

    @Message("Start again")
    String start_again();

    @Message("Questions? Ask {support}.")
    String ask(String support);

    @Message("This link does not work")
    String link_invalid_title();

    @Message("It may have been copied incompletely. Open the link from the email again, or ask for a new one.")
    String link_invalid_text();

    @Message("This link has expired")
    String link_expired_title();

    @Message("Links work for {lifetime}. Ask for a new one; a reminder email also has a fresh link.")
    String link_expired_text(String lifetime);

    @Message("Your mailbox is already reconnected")
    String already_migrated_title();

    @Message("There is nothing more to do.")
    String already_migrated_text();

    @Message("Please wait a moment")
    String too_many_starts_title();

    @Message("This link was used to start signing in several times in the last minute. Try again in a minute.")
    String too_many_starts_text();

    @Message("This request did not come from your reconnect page")
    String foreign_site_title();

    @Message("Open the link from your email and press the button there.")
    String foreign_site_text();

    @Message("Your mailbox is being reconnected in another window")
    String hand_over_in_progress_title();

    @Message("Finish there, or open the link from your email again in a minute.")
    String hand_over_in_progress_text();

    @Message("This sign-in cannot be finished here")
    String state_invalid_title();

    @Message("It was already used, took too long, or was started in another browser. Open the link from your email again.")
    String state_invalid_text();

    @Message("The sign-in was not completed")
    String sign_in_cancelled_title();

    @Message("You can start again.")
    String sign_in_cancelled_text();

    @Message("You signed in with a different mailbox")
    String wrong_account_title();

    @Message("Start again and sign in with the mailbox the email was sent to.")
    String wrong_account_text();

    @Message("We could not finish reconnecting your mailbox")
    String failed_title();

    @Message("Nothing was changed. Please start again in a few minutes.")
    String failed_text();

    @Message("This sign-in could not be confirmed")
    String sign_in_not_confirmed_title();

    @Message("Nothing was changed. Start again from here, in the same browser.")
    String sign_in_not_confirmed_text();

    @Message("This link is from a test email")
    String test_link_title();

    @Message("The link works. It was sent to try the email out, so it cannot reconnect any mailbox.")
    String test_link_text();

    @Message("{count} {#if count == 1}day{#else}days{/if}")
    String days(long count);

    @Message("{count} {#if count == 1}hour{#else}hours{/if}")
    String hours(long count);

    @Message("{count} {#if count == 1}minute{#else}minutes{/if}")
    String minutes(long count);
}
