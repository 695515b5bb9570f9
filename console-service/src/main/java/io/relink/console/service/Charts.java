package io.relink.console.service;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import io.relink.console.client.ScannerApi;

/**
 * The console's charts as numbers an SVG can draw with attributes alone (the CSP forbids inline styles and scripts):
 * the funnel as bars, and migrations per day against the deadline.
 */
public final class Charts {
    static final int BAR_WIDTH = 560;
    static final int CHART_HEIGHT = 160;
    static final int MAX_DAYS = 60;

    private Charts() {
    }

    /** One stage of the funnel; {@code kind} names its colour in console.css. */
    public record Bar(String label, long value, int width, int y, String kind, String hint) {
    }

    public record Column(LocalDate day, long migrated, int x, int y, int height, String label) {
    }

    /**
     * Migrations per day, the pace still needed to finish by the deadline ({@code neededPerDay}, drawn at
     * {@code neededY}), and how far it is ({@code daysLeft}: negative once passed).
     */
    public record Daily(List<Column> columns, int columnWidth, long total, long remaining, LocalDate deadline, Long daysLeft,
            Long neededPerDay, Integer neededY, long max) {
        /** Where the needed pace's label sits: just above its line, inside the chart. */
        public Integer neededLabelY() {
            return neededY == null ? null : Math.max(12, neededY - 4);
        }

        public boolean hasDeadline() {
            return deadline != null;
        }

        public boolean deadlinePassed() {
            return daysLeft != null && daysLeft < 0;
        }

        public long daysPassed() {
            return daysLeft == null ? 0 : -daysLeft;
        }
    }

    /** A stage of the funnel to draw: its label, its colour in console.css, what it counts, and how many. */
    public record Stage(String label, String kind, String hint, long value) {
    }

    public static List<Bar> funnel(List<Stage> stages) {
        long max = Math.max(1, stages.stream().mapToLong(Stage::value).max().orElse(1));
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            int width = stage.value() == 0 ? 0 : (int) Math.max(2, stage.value() * BAR_WIDTH / max);
            bars.add(new Bar(stage.label(), stage.value(), width, i * 30, stage.kind(), stage.hint()));
        }
        return bars;
    }

    /** The last {@value #MAX_DAYS} days up to today (and every day with a migration in that span). */
    public static Daily daily(List<ScannerApi.DailyMigrations> days, LocalDate today, Optional<LocalDate> deadline, long remaining) {
        TreeMap<LocalDate, Long> byDay = new TreeMap<>();
        days.forEach(d -> byDay.put(d.day(), d.migrated()));
        LocalDate first = byDay.isEmpty() ? today.minusDays(13) : byDay.firstKey();
        if (ChronoUnit.DAYS.between(first, today) >= MAX_DAYS) {
            first = today.minusDays(MAX_DAYS - 1);
        }
        if (ChronoUnit.DAYS.between(first, today) < 13) {
            first = today.minusDays(13);
        }
        int count = (int) ChronoUnit.DAYS.between(first, today) + 1;
        long total = days.stream().mapToLong(ScannerApi.DailyMigrations::migrated).sum();
        Long daysLeft = deadline.map(d -> ChronoUnit.DAYS.between(today, d)).orElse(null);
        Long needed = daysLeft == null ? null : remaining == 0 ? 0L : daysLeft <= 0 ? remaining : (remaining + daysLeft - 1) / daysLeft;
        long max = 1;
        for (long v : byDay.values()) {
            max = Math.max(max, v);
        }
        if (needed != null) {
            max = Math.max(max, needed);
        }
        int width = Math.max(4, Charts.BAR_WIDTH / count);
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LocalDate day = first.plusDays(i);
            long v = byDay.getOrDefault(day, 0L);
            int height = (int) (v * CHART_HEIGHT / max);
            columns.add(new Column(day, v, i * width, CHART_HEIGHT - height, height, day + ": " + v + " migrated"));
        }
        Integer neededY = needed == null ? null : (int) (CHART_HEIGHT - needed * CHART_HEIGHT / max);
        return new Daily(columns, Math.max(1, width - 1), total, remaining, deadline.orElse(null), daysLeft, needed, neededY, max);
    }
}
