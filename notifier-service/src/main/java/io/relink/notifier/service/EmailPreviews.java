package io.relink.notifier.service;

import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.relink.notifier.client.SmtpClient;
import io.relink.notifier.config.NotifyConfig;
import io.relink.notifier.model.EmailDomain;
import io.relink.notifier.model.Notification;
import io.relink.notifier.model.Recipient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * An account's email as its user would get it, for operators to look at before sending, or to send a test copy of to
 * themselves. Both carry a TEST link, which opens a page saying so and cannot migrate anything; neither is recorded as
 * a notification nor announced.
 */
@ApplicationScoped
public class EmailPreviews {
    /** A rendered email. */
    public record Preview(String language, String from, String to, String subject, String text, String html, String messageId) {
    }

    private final MailComposer composer;
    private final SmtpClient smtp;
    private final NotifyConfig config;
    private final Counter testSends;

    public EmailPreviews(MailComposer composer, SmtpClient smtp, NotifyConfig config, MeterRegistry registry) {
        this.composer = composer;
        this.smtp = smtp;
        this.config = config;
        this.testSends = Counter.builder("relink.notifier.test.emails.sent").description("Test copies operators sent to themselves")
                .register(registry);
    }

    /** The email of {@code kind} for the account, rendered and not sent; empty for an unknown account. */
    public Optional<Preview> preview(String accountId, Notification.Kind kind) {
        return composed(accountId, kind, null).map(EmailPreviews::view);
    }

    /** Sends a test copy of the account's email of {@code kind} to {@code to}; empty for an unknown account. */
    public Optional<Preview> sendTest(String accountId, Notification.Kind kind, String to) {
        Optional<MailComposer.Composed> composed = composed(accountId, kind, to);
        composed.ifPresent(c -> {
            smtp.send(c.message()).await().atMost(config.smtp().exchangeDeadline().plusSeconds(1));
            testSends.increment();
        });
        return composed.map(EmailPreviews::view);
    }

    private static Preview view(MailComposer.Composed composed) {
        var m = composed.message();
        return new Preview(composed.language(), m.getFrom(), m.getTo().get(0), m.getSubject(), m.getText(), m.getHtml(),
                m.getHeaders().get("Message-ID"));
    }

    private Optional<MailComposer.Composed> composed(String accountId, Notification.Kind kind, String testTo) {
        record Found(Recipient recipient, String language) {
        }
        Found found = QuarkusTransaction.requiringNew().call(() -> {
            Recipient recipient = Recipient.findById(accountId);
            if (recipient == null) {
                return null;
            }
            EmailDomain domain = EmailDomain.findById(recipient.domain);
            return new Found(recipient, domain == null ? null : domain.locale);
        });
        if (found == null) {
            return Optional.empty();
        }
        String messageId = "<test." + UUID.randomUUID() + "@" + domainOf(config.senderAddress()) + ">";
        return Optional.of(composer.composeTest(kind, kind == Notification.Kind.REMINDER ? 2 : 1, found.recipient(), found.language(),
                messageId, testTo));
    }

    private static String domainOf(String address) {
        return address.contains("@") ? address.substring(address.indexOf('@') + 1).replace(">", "") : "relink.local";
    }
}
