package io.relink.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.List;
import java.util.TimeZone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The local run's mailbox in a browser: every message the SMTP server received, newest first, and each one as
 * its recipient would see it, so a person can click the re-authentication link. Loopback only; a local tool.
 */
public final class MailboxPage implements AutoCloseable {
    private final Mailbox mail;
    private final HttpServer server;

    public MailboxPage(Mailbox mail, int port) throws IOException {
        this.mail = mail;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            List<MimeMessage> messages = mail.receivedMessages();
            if (path.equals("/")) {
                respond(exchange, 200, list(messages));
            } else if (path.matches("/messages/[0-9]{1,9}") && Integer.parseInt(path.substring(10)) < messages.size()) {
                respond(exchange, 200, show(messages.get(Integer.parseInt(path.substring(10)))));
            } else {
                respond(exchange, 404, page("Not found", "<p>No such message. <a href=\"/\">Back to the mailbox</a></p>"));
            }
        } catch (MessagingException e) {
            respond(exchange, 500, page("Unreadable message", "<p>" + escape(e.getMessage()) + "</p>"));
        }
    }

    private static String list(List<MimeMessage> messages) throws MessagingException {
        StringBuilder rows = new StringBuilder();
        SimpleDateFormat time = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
        time.setTimeZone(TimeZone.getDefault());
        for (int i = messages.size() - 1; i >= 0; i--) {
            MimeMessage m = messages.get(i);
            rows.append("<tr><td>").append(m.getSentDate() == null ? "" : time.format(m.getSentDate()))
                    .append("</td><td>").append(escape(String.valueOf(m.getAllRecipients()[0])))
                    .append("</td><td><a href=\"/messages/").append(i).append("\">").append(escape(m.getSubject())).append("</a></td></tr>");
        }
        return page("Mailbox (" + messages.size() + ")", messages.isEmpty() ? "<p>No mail yet. This page shows mail as it arrives; reload it.</p>"
                : "<table><tr><th>sent</th><th>to</th><th>subject</th></tr>" + rows + "</table>");
    }

    private static String show(MimeMessage m) throws MessagingException {
        String html = MailServer.body(m, "text/html");
        String body = html.isEmpty() ? "<pre>" + escape(MailServer.body(m, "text/plain")) + "</pre>" : html;
        return page(m.getSubject(), "<p><a href=\"/\">&larr; mailbox</a></p><p>To: " + escape(String.valueOf(m.getAllRecipients()[0]))
                + "<br>From: " + escape(String.valueOf(m.getFrom()[0])) + "</p><hr>" + body);
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>"
                + "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 12px;text-align:left}</style></head><body><h1>"
                + escape(title) + "</h1>" + body + "</body></html>";
    }

    private static void respond(HttpExchange exchange, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
