package io.relink.devstack.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Qute message bundle's translation ({@code messages/<name>_<tag>.properties}) against the bundle's interface:
 * every message is there, none is empty, and each names the same values as the default text (an address, a date),
 * so no user meets an English sentence in a translated page or a translated sentence without its address.
 */
public final class MessageBundleCheck {
    private static final Pattern PARAMETER = Pattern.compile("\\{(?![#/])([A-Za-z_]+)");

    private MessageBundleCheck() {
    }

    /** What is wrong with the translation, one line each; empty when it is complete. */
    public static List<String> problems(Class<?> bundle, String name, String tag) {
        Properties translated = new Properties();
        try (InputStream in = bundle.getResourceAsStream("/messages/" + name + "_" + tag + ".properties")) {
            if (in == null) {
                return List.of("messages/" + name + "_" + tag + ".properties is missing");
            }
            translated.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> problems = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        for (Method method : bundle.getDeclaredMethods()) {
            keys.add(method.getName());
            String text = translated.getProperty(method.getName());
            if (text == null || text.isBlank()) {
                problems.add(tag + ": " + method.getName() + " is missing");
                continue;
            }
            Set<String> wanted = parameters(defaultText(method));
            // A language without plurals may leave out the count's branches, never a value the user must see.
            wanted.remove("if");
            if (!wanted.equals(parameters(text))) {
                problems.add(tag + ": " + method.getName() + " names " + parameters(text) + ", not " + wanted + ": " + text);
            }
        }
        translated.stringPropertyNames().stream().filter(k -> !keys.contains(k)).forEach(k -> problems.add(tag + ": " + k + " is no message"));
        return problems;
    }

    /** The {@code @Message} value, read by name so this needs no Qute on the classpath. */
    private static String defaultText(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            if (annotation.annotationType().getSimpleName().equals("Message")) {
                try {
                    return (String) annotation.annotationType().getMethod("value").invoke(annotation);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException(method + " has no @Message");
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
