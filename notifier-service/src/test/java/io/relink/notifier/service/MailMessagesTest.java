package io.relink.notifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.relink.devstack.testing.MessageBundleCheck;
import io.relink.platform.i18n.Languages;

/** Every text of the emails exists in every language, and names the same values (an address, a date) as the English. */
class MailMessagesTest {
    static List<String> translations() {
        return Languages.SUPPORTED.stream().filter(tag -> !tag.equals("en")).toList();
    }

    @ParameterizedTest
    @MethodSource("translations")
    void everyMessageIsTranslatedWithTheSameValues(String tag) {
        assertEquals(List.of(), MessageBundleCheck.problems(MailMessages.class, "mail", tag));
    }
}
