package io.relink.notifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.qute.i18n.Message;

/** Every text of the emails exists in every language, and names the same values (an address, a date) as the English. */
class MailMessagesTest {
    private static final Pattern PARAMETER = Pattern.compile("\\{(?!#|/)([a-z]+)");

    static java.util.List<String> translations() {
        return MailLocales.SUPPORTED.stream().filter(tag -> !tag.equals("en")).toList();
    }

    @ParameterizedTest
    @MethodSource("translations")
    void everyMessageIsTranslatedWithTheSameParameters(String tag) throws IOException {
        Properties translated = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/messages/mail_" + tag + ".properties")) {
            assertNotNull(in, "messages/mail_" + tag + ".properties");
            translated.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        Set<String> keys = Arrays.stream(MailMessages.class.getDeclaredMethods()).map(m -> m.getName()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(keys, new TreeSet<>(translated.stringPropertyNames()), tag + ": the same messages as MailMessages");
        for (var method : MailMessages.class.getDeclaredMethods()) {
            String english = method.getAnnotation(Message.class).value();
            String text = translated.getProperty(method.getName());
            assertTrue(!text.isBlank(), tag + " " + method.getName() + " is empty");
            Set<String> wanted = parameters(english);
            // A language without plurals may leave the count's branches out, never a value the user must see.
            wanted.remove("if");
            assertEquals(wanted, parameters(text), tag + " " + method.getName() + ": " + text);
        }
    }

    private static Set<String> parameters(String message) {
        Set<String> names = new TreeSet<>();
        Matcher m = PARAMETER.matcher(message);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
