package io.relink.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

class MailServerTest {

    @Test
    void deliversRealSmtpMailAndCanBeTakenAwayAndBroughtBack() throws Exception {
        try (MailServer mail = new MailServer().start()) {
            send(mail, "jane@contoso.example", "first");
            assertEquals(1, mail.messagesTo("jane@contoso.example").size());
            assertEquals("first", mail.messagesTo("JANE@contoso.example").get(0).getSubject());
            assertEquals(0, mail.messagesTo("john@contoso.example").size());

            mail.stop();
            assertThrows(MessagingException.class, () -> send(mail, "jane@contoso.example", "while down"));

            mail.start();
            send(mail, "jane@contoso.example", "after restart");
            assertEquals("after restart", mail.receivedMessages().get(0).getSubject());
        }
    }

    private static void send(MailServer mail, String to, String subject) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.host", mail.host());
        props.put("mail.smtp.port", String.valueOf(mail.port()));
        props.put("mail.smtp.connectiontimeout", "2000");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("relink@relink.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("body");
        Transport.send(message);
    }
}
