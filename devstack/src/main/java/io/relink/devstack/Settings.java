package io.relink.devstack;

import java.util.Locale;

/** Reads a devstack setting from a system property, else from the matching environment variable. */
final class Settings {
    private Settings() {
    }

    /** {@code relink.devstack.kafka} is read from that property or from {@code RELINK_DEVSTACK_KAFKA}. */
    static String get(String name, String defaultValue) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
