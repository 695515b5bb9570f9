package io.relink.events;

/** Checks used by the event records, so an event missing a field fails where it is built or read. */
final class Required {
    private Required() {
    }

    static <T> T field(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("missing required field '" + name + "'");
        }
        return value;
    }

    static String emailAddress(String value, String name) {
        if (!EmailAddresses.isPlain(text(value, name))) {
            throw new IllegalArgumentException("field '" + name + "' must be a plain email address (local@domain)");
        }
        return value;
    }

    /** A count that starts at 1, such as an email's attempt number. */
    static int positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException("field '" + name + "' must be at least 1, was " + value);
        }
        return value;
    }

    static String text(String value, String name) {
        if (field(value, name).isBlank()) {
            throw new IllegalArgumentException("field '" + name + "' must not be blank");
        }
        return value;
    }
}
