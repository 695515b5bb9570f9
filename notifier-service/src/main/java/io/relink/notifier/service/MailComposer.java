package io.relink.notifier.service;

import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.qute.Variant;
import io.relink.links.LinkTokens;
import io.relink.notifier.config.NotifyConfig;
import io.relink.notifier.model.Notification;
import io.relink.notifier.model.Recipient;
import io.vertx.core.MultiMap;
import io.vertx.ext.mail.MailMessage;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds each email from its Qute templates (an HTML and a plain-text variant of each), with a fresh signed link. */
@ApplicationScoped
public class MailComposer {

    /** What the templates show. */
    public record Content(String email, String link, String linkLifetime, String productName, String deadline, String supportContact,
            String linkHost, String senderAddress, boolean reminder, int attempt) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance reauth(Content content);

        static native TemplateInstance confirmation(Content content);
    }

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

    private final NotifyConfig config;
    private final LinkTokens links;
    private final String publicUrl;

    public MailComposer(NotifyConfig config, LinkTokens links, @ConfigProperty(name = "relink.public-url") String publicUrl) {
        this.config = config;
        this.links = links;
        this.publicUrl = publicUrl.replaceAll("/+$", "");
    }

    /**
     * The email for one notification; its Message-ID is derived from the notification, so it is known before sending.
     * The link carries {@code traceParent}, the send's span, so the hand-over continues the account's trace.
     */
    public MailMessage compose(Notification notification, Recipient recipient, String messageId, String traceParent) {
        boolean confirmation = notification.kind == Notification.Kind.CONFIRMATION;
        String link = confirmation ? null : publicUrl + "/reauth/" + links.issue(LinkTokens.Purpose.REAUTH, recipient.accountId, recipient.email, traceParent);
        Content content = new Content(recipient.email, link, links.lifetimeInWords(), config.productName(), config.deadline().map(DATE::format).orElse(null),
                config.supportContact(), java.net.URI.create(publicUrl).getHost(), config.senderAddress(),
                notification.kind == Notification.Kind.REMINDER, notification.attempt);
        String subject = confirmation ? "Your mailbox is reconnected to " + config.productName()
                : (content.reminder() ? "Reminder: " : "") + "Action needed: reconnect your mailbox to " + config.productName();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Message-ID", messageId);
        config.replyTo().ifPresent(replyTo -> headers.add("Reply-To", replyTo));
        return new MailMessage().setFrom(config.senderName() + " <" + config.senderAddress() + ">").setTo(recipient.email)
                .setSubject(subject).setHeaders(headers)
                .setText(render(confirmation ? Templates.confirmation(content) : Templates.reauth(content), Variant.TEXT_PLAIN))
                .setHtml(render(confirmation ? Templates.confirmation(content) : Templates.reauth(content), Variant.TEXT_HTML));
    }

    private static String render(TemplateInstance template, String contentType) {
        return template.setAttribute(TemplateInstance.SELECTED_VARIANT, Variant.forContentType(contentType)).render();
    }
}
