package io.relink.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

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

    @Test
    void theMailboxPageListsMessagesAndShowsEachAsTheRecipientSeesIt() throws Exception {
        try (MailServer mail = new MailServer().start(); MailboxPage page = new MailboxPage(mail, 0)) {
            HttpClient http = HttpClient.newHttpClient();
            assertTrue(get(http, page.url()).body().contains("No mail yet"));
            send(mail, "jane@contoso.example", "Reconnect <now>");
            MimeMessage html = message(mail, "john@contoso.example", "Your link");
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Open http://localhost:8083/reauth/abc");
            MimeBodyPart rich = new MimeBodyPart();
            rich.setContent("<p><a href=\"http://localhost:8083/reauth/abc\">Reconnect</a></p>", "text/html; charset=utf-8");
            alternative.addBodyPart(text);
            alternative.addBodyPart(rich);
            html.setContent(alternative);
            Transport.send(html);

            String list = get(http, page.url()).body();
            assertTrue(list.contains("Mailbox (2)"), list);
            assertTrue(list.indexOf("Your link") < list.indexOf("Reconnect &lt;now&gt;"), "newest first, subjects escaped: " + list);
            String shown = get(http, page.url() + "messages/1").body();
            assertTrue(shown.contains("<a href=\"http://localhost:8083/reauth/abc\">Reconnect</a>"), shown);
            assertTrue(shown.contains("john@contoso.example"), shown);
            assertEquals(404, get(http, page.url() + "messages/7").statusCode());
            assertEquals(404, get(http, page.url() + "messages/99999999999").statusCode());
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void send(MailServer mail, String to, String subject) throws MessagingException {
        MimeMessage message = message(mail, to, subject);
        message.setText("body");
        Transport.send(message);
    }

    private static MimeMessage message(MailServer mail, String to, String subject) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.host", mail.host());
        props.put("mail.smtp.port", String.valueOf(mail.port()));
        props.put("mail.smtp.connectiontimeout", "2000");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("relink@relink.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        return message;
    }
}
