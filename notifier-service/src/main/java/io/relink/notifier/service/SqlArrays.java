package io.relink.notifier.service;

import java.util.Collection;
import java.util.stream.Collectors;

/** PostgreSQL array literals for native queries ({@code CAST(:p AS TEXT[])}), each element quoted and escaped. */
final class SqlArrays {
    private SqlArrays() {
    }

    static String text(Collection<String> values) {
        return values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").collect(Collectors.joining(",", "{", "}"));
    }
}
