package io.relink.devstack;

import java.util.List;

import jakarta.mail.internet.MimeMessage;

/** An SMTP server of the stack, as tests and the local mailbox page read it: where it listens and what it took. */
public interface Mailbox {
    String host();

    int port();

    /** Every message delivered, in order. */
    List<MimeMessage> receivedMessages();

    /** Waits up to {@code millis} for {@code count} messages in all; true if they arrived. */
    boolean awaitMessages(int count, long millis);

    /** Messages delivered to one recipient. */
    default List<MimeMessage> messagesTo(String address) {
        return receivedMessages().stream().filter(m -> MailServer.isAddressedTo(m, address)).toList();
    }
}
