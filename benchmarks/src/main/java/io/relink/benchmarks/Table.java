package io.relink.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** A benchmark's result: a title and rows of (measure, value, note). */
final class Table {
    private final String title;
    private final List<String[]> rows = new ArrayList<>();

    Table(String title) {
        this.title = title;
    }

    Table row(String measure, String value, String note) {
        rows.add(new String[] { measure, value, note });
        return this;
    }

    void print() {
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
        System.out.println();
        System.out.println("== " + title);
        for (String[] r : rows) {
            System.out.printf("  %-" + w0 + "s  %" + w1 + "s  %s%n", r[0], r[1], r[2]);
        }
    }

    static String ms(double millis) {
        return String.format("%.3f ms", millis);
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }
}
