package io.relink.platform.i18n;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The languages Relink speaks to end users, in the emails (notifier) and the pages (reauth), and how one is chosen.
 * Each service's message bundle has a complete translation for each (checked by a test in each).
 */
public final class Languages {
    /** Language tags; English is the bundles' own language and the last resort. */
    public static final List<String> SUPPORTED = List.of("en", "de", "fr", "es", "pt-BR", "it", "nl", "ja");

    private Languages() {
    }

    /** The supported tag that {@code tag} names ("DE", "pt-br", "pt", "de-AT"), if any. */
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

    /**
     * How long something lasts, in words of a message bundle: days from 48 hours (and for exactly one day), else
     * hours, else minutes ("14 days", "36 hours", "30 minutes").
     */
    public static String inWords(Duration length, LongFunction<String> days, LongFunction<String> hours, LongFunction<String> minutes) {
        if (length.toHours() >= 48 || length.toHours() == 24) {
            return days.apply(length.toDays());
        }
        return length.toHours() >= 1 ? hours.apply(length.toHours()) : minutes.apply(Math.max(1, length.toMinutes()));
    }

    /**
     * The best supported language for a browser's {@code Accept-Language} header (weights honoured; a region falls
     * back to its language), else English. A malformed header counts as none.
     */
    public static String fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return "en";
        }
        List<Locale.LanguageRange> ranges;
        try {
            ranges = Locale.LanguageRange.parse(header);
        } catch (IllegalArgumentException e) {
            return "en";
        }
        for (Locale.LanguageRange range : ranges) {
            if (range.getWeight() > 0 && !range.getRange().equals("*")) {
                Optional<String> tag = supported(range.getRange());
                if (tag.isPresent()) {
                    return tag.get();
                }
            }
        }
        return "en";
    }
}
