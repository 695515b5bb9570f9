package io.relink.sandbox.rest;

import java.util.function.Function;

/** Whole-number query parameters (limit, offset), refused with each API version's own error when malformed. */
final class QueryNumbers {
    private QueryNumbers() {
    }

    static long nonNegative(String name, String value, long defaultValue, Function<String, RuntimeException> badRequest) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw badRequest.apply(name + " must be a whole number.");
        }
        if (n < 0) {
            throw badRequest.apply(name + " must not be negative.");
        }
        return n;
    }
}
