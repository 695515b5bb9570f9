package io.relink.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's garbage collection log ({@code -Xlog:gc}, which {@link Benchmarks#start} turns on): the heap each
 * collection left in use is what the service holds on to, where the heap in use at a random moment is mostly
 * garbage not yet collected. Reading the log costs the service nothing, unlike asking it for its metrics.
 */
final class GcLog {
    /** "GC(3) Pause Young (Normal) (G1 Evacuation Pause) 23M->5M(256M) 3.456ms": before, after, capacity. */
    private static final Pattern PAUSE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private final Path file;
    private int from;

    GcLog(Path file) {
        this.file = file;
    }

    /** Later questions count only collections from now on. */
    GcLog mark() {
        from = lines().size();
        return this;
    }

    /** Collections since the mark. */
    long collections() {
        return lines().subList(from, lines().size()).stream().filter(l -> PAUSE.matcher(l).find()).count();
    }

    /**
     * The heap the collections since the mark left in use, in MiB, at the given percentile (0.5: the median, 1: the
     * most); 0 if there was none. A young collection leaves the old generation's garbage in place until a concurrent
     * cycle clears it, so the most grows with a run's length; the median is what the service keeps.
     */
    double afterCollectionMiB(double percentile) {
        return afterCollectionMiB(percentile, 0, 1);
    }

    /** The same over a stretch of the collections since the mark, {@code from} and {@code to} as fractions of their number. */
    double afterCollectionMiB(double percentile, double fromFraction, double toFraction) {
        List<Double> after = new java.util.ArrayList<>();
        for (String line : lines().subList(from, lines().size())) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                after.add(mib(m.group(3), m.group(4)));
            }
        }
        List<Double> stretch = after.subList((int) (after.size() * fromFraction), (int) Math.ceil(after.size() * toFraction));
        return stretch.isEmpty() ? 0 : Table.percentile(stretch, Math.min(percentile, 0.9999));
    }

    private static double mib(String amount, String unit) {
        return Long.parseLong(amount) * switch (unit) {
            case "K" -> 1.0 / 1024;
            case "M" -> 1.0;
            default -> 1024.0;
        };
    }

    private List<String> lines() {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
