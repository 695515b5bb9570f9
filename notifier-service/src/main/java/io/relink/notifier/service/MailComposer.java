package io.relink.notifier.service;

import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.qute.Variant;
import io.quarkus.qute.i18n.Localized;
import io.quarkus.qute.i18n.MessageBundles;
import io.quarkus.runtime.Startup;
import io.relink.links.LinkTokens;
import io.relink.notifier.config.NotifyConfig;
import io.relink.notifier.model.Notification;
import io.relink.notifier.model.Recipient;
import io.relink.platform.brand.BrandCheck;
import io.relink.platform.brand.BrandConfig;
import io.relink.platform.i18n.Languages;
import io.vertx.core.MultiMap;
import io.vertx.ext.mail.MailMessage;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Builds each email from its Qute templates (an HTML and a plain-text variant of each) in the recipient's language
 * ({@link MailMessages}), under the customer's brand ({@code relink.brand.*}), with a fresh signed link.
 */
@Startup
@ApplicationScoped
public class MailComposer {

    /**
     * What the templates show; {@code test} is set in an operator's preview or test copy (sent to {@code testTo}), whose
     * link cannot migrate anything.
     */
    public record Content(String email, String link, String linkLifetime, String productName, String deadline, String supportContact,
            String linkHost, String senderAddress, boolean reminder, int attempt, boolean test, String testTo, String logoUrl,
            String accentColor, String footer, String language) {
    }

    /** A composed email, for sending or for an operator's preview. */
    public record Composed(MailMessage message, String language) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance reauth(Content content);

        static native TemplateInstance confirmation(Content content);
    }

    private final NotifyConfig config;
    private final BrandConfig brand;
    private final LinkTokens links;
    private final String publicUrl;

    public MailComposer(NotifyConfig config, BrandConfig brand, LinkTokens links, @ConfigProperty(name = "relink.public-url") String publicUrl) {
        // At start: a deployment whose emails could not be composed (no support contact, a bad colour) does not start.
        BrandCheck.check(brand, true);
        if (Languages.supported(config.locale()).isEmpty()) {
            throw new IllegalStateException("relink.notify.locale (RELINK_NOTIFY_LOCALE) must be one of " + Languages.SUPPORTED
                    + ", not '" + config.locale() + "'");
        }
        this.config = config;
        this.brand = brand;
        this.links = links;
        this.publicUrl = publicUrl.replaceAll("/+$", "");
    }

    /**
     * The email for one notification, in {@code language} (a supported tag, or null for {@code relink.notify.locale});
     * its Message-ID is derived from the notification, so it is known before sending. The link carries
     * {@code traceParent}, the send's span, so the hand-over continues the account's trace.
     */
    public MailMessage compose(Notification notification, Recipient recipient, String language, String messageId, String traceParent) {
        return compose(notification.kind, notification.attempt, recipient, language, messageId, traceParent, false, null).message();
    }

    /**
     * The email a notification of {@code kind} would be, as an operator's preview (addressed to the user, not sent) or
     * test copy to {@code testTo}: marked as such, and its link (purpose TEST) opens a page that says so and cannot
     * migrate anything.
     */
    public Composed composeTest(Notification.Kind kind, int attempt, Recipient recipient, String language, String messageId, String testTo) {
        return compose(kind, attempt, recipient, language, messageId, null, true, testTo);
    }

    private Composed compose(Notification.Kind kind, int attempt, Recipient recipient, String language, String messageId, String traceParent,
            boolean test, String testTo) {
        String tag = Languages.supported(language).or(() -> Languages.supported(config.locale())).orElse("en");
        Locale locale = Locale.forLanguageTag(tag);
        MailMessages text = MessageBundles.get(MailMessages.class, Localized.Literal.of(tag));
        boolean confirmation = kind == Notification.Kind.CONFIRMATION;
        LinkTokens.Purpose purpose = test ? LinkTokens.Purpose.TEST : LinkTokens.Purpose.REAUTH;
        String link = confirmation ? null : publicUrl + "/reauth/" + links.issue(purpose, recipient.accountId, recipient.email, traceParent);
        Content content = new Content(recipient.email, link, Languages.inWords(links.lifetime(), text::days, text::hours, text::minutes),
                brand.productName(),
                config.deadline().map(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)::format).orElse(null),
                brand.supportContact().orElseThrow(), java.net.URI.create(publicUrl).getHost(), config.senderAddress(),
                kind == Notification.Kind.REMINDER, attempt, test, testTo, brand.logoUrl().orElse(null), brand.accentColor(),
                brand.footer().orElse(null), tag);
        String subject = confirmation ? text.subject_confirmation(brand.productName())
                : content.reminder() ? text.subject_reminder(brand.productName()) : text.subject_initial(brand.productName());
        if (test) {
            subject = text.subject_test() + " " + subject;
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Message-ID", messageId).add("Content-Language", tag);
        config.replyTo().ifPresent(replyTo -> headers.add("Reply-To", replyTo));
        MailMessage message = new MailMessage().setFrom(brand.senderName() + " <" + config.senderAddress() + ">")
                .setTo(testTo == null ? recipient.email : testTo).setSubject(subject).setHeaders(headers)
                .setText(render(confirmation ? Templates.confirmation(content) : Templates.reauth(content), locale, Variant.TEXT_PLAIN))
                .setHtml(render(confirmation ? Templates.confirmation(content) : Templates.reauth(content), locale, Variant.TEXT_HTML));
        return new Composed(message, tag);
    }

    private static String render(TemplateInstance template, Locale locale, String contentType) {
        return template.setLocale(locale).setAttribute(TemplateInstance.SELECTED_VARIANT, Variant.forContentType(contentType)).render();
    }
}
