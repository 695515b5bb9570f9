package io.relink.notifier.service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The languages the emails are written in, and which one a recipient gets. */
public final class MailLocales {
    /** Language tags with a complete translation of {@link MailMessages} (checked by a test). */
    public static final List<String> SUPPORTED = List.of("en", "de", "fr", "es", "pt-BR", "it", "nl", "ja");

    private MailLocales() {
    }

    /** The supported tag that {@code tag} names ("DE", "pt-br", "pt"), if any. */
    public static Optional<String> supported(String tag) {
        if (tag == null || tag.isBlank()) {
            return Optional.empty();
        }
        String wanted = tag.trim().replace('_', '-');
        Optional<String> exact = SUPPORTED.stream().filter(s -> s.equalsIgnoreCase(wanted)).findFirst();
        if (exact.isPresent()) {
            return exact;
        }
        String language = Locale.forLanguageTag(wanted).getLanguage();
        return SUPPORTED.stream().filter(s -> Locale.forLanguageTag(s).getLanguage().equals(language)).findFirst();
    }
}
