package io.relink.devstack;

import java.util.Arrays;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * A real SMTP server (GreenMail) on a loopback port that stays the same across {@link #stop()} and
 * {@link #start()}, so a test can take the server away and bring it back. Tests read delivered mail back.
 */
public final class MailServer implements Mailbox, AutoCloseable {
    private final int port;
    private GreenMail greenMail;

    public MailServer() {
        this(KafkaBroker.freePort());
    }

    public MailServer(int port) {
        this.port = port;
    }

    public synchronized MailServer start() {
        if (greenMail == null) {
            greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            greenMail.start();
        }
        return this;
    }

    /** Stops accepting connections; mail received so far is forgotten. */
    public synchronized void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return greenMail != null;
    }

    /** Every message delivered since the server last started. */
    @Override
    public synchronized List<MimeMessage> receivedMessages() {
        return greenMail == null ? List.of() : List.of(greenMail.getReceivedMessages());
    }

    static boolean isAddressedTo(MimeMessage message, String address) {
        try {
            Address[] recipients = message.getAllRecipients();
            return recipients != null && Arrays.stream(recipients)
                    .anyMatch(r -> r instanceof InternetAddress ia && address.equalsIgnoreCase(ia.getAddress()));
        } catch (MessagingException e) {
            return false;
        }
    }

    /** The body part of {@code mimeType} ({@code text/plain}, {@code text/html}) of a message, or "" if it has none. */
    public static String body(MimeMessage message, String mimeType) {
        try {
            if (message.isMimeType(mimeType)) {
                return String.valueOf(message.getContent());
            }
            if (message.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    if (multipart.getBodyPart(i).isMimeType(mimeType)) {
                        return String.valueOf(multipart.getBodyPart(i).getContent());
                    }
                }
            }
            return "";
        } catch (MessagingException | java.io.IOException e) {
            throw new IllegalStateException("unreadable message", e);
        }
    }

    @Override
    public boolean awaitMessages(int count, long millis) {
        GreenMail server;
        synchronized (this) {
            server = greenMail;
        }
        return server != null && server.waitForIncomingEmail(millis, count);
    }

    @Override
    public void close() {
        stop();
    }
}
