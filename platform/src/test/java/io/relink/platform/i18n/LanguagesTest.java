package io.relink.platform.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LanguagesTest {
    @Test
    void aBrowsersPreferredLanguageWinsWhereWeSpeakItElseItsNextChoiceElseEnglish() {
        assertEquals("de", Languages.fromAcceptLanguage("de-AT,de;q=0.9,en;q=0.8"));
        assertEquals("pt-BR", Languages.fromAcceptLanguage("pt-PT,pt;q=0.9"), "a region we lack falls back to its language");
        assertEquals("fr", Languages.fromAcceptLanguage("sv-SE,sv;q=0.9,fr;q=0.5"), "Swedish is not spoken here, French is");
        assertEquals("ja", Languages.fromAcceptLanguage("ja"));
        assertEquals("nl", Languages.fromAcceptLanguage("en;q=0.2, nl;q=0.8"), "weights decide, not the order");
        assertEquals("en", Languages.fromAcceptLanguage("sv"));
        assertEquals("en", Languages.fromAcceptLanguage(null));
        assertEquals("en", Languages.fromAcceptLanguage(";;;=q"), "a malformed header counts as none");
        assertEquals("en", Languages.fromAcceptLanguage("de;q=0, *"), "q=0 means not wanted");
    }

    @Test
    void aLifetimeIsToldInTheUnitAUserReadsBest() {
        assertEquals("14 d", words(Duration.ofDays(14)));
        assertEquals("1 d", words(Duration.ofDays(1)));
        assertEquals("36 h", words(Duration.ofHours(36)));
        assertEquals("1 h", words(Duration.ofMinutes(90)));
        assertEquals("30 min", words(Duration.ofMinutes(30)));
        assertEquals("1 min", words(Duration.ofSeconds(5)));
    }

    private static String words(Duration length) {
        return Languages.inWords(length, d -> d + " d", h -> h + " h", m -> m + " min");
    }
}
