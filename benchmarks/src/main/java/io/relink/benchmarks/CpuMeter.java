package io.relink.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * CPU time each process of a run used over a measured stretch, from the operating system's own counters (user and
 * system, all threads), so a benchmark can say what one unit of work costs each service. Unlike times, these
 * figures carry over from one machine to another.
 */
final class CpuMeter {
    /** USER_HZ, the unit of /proc's CPU times. */
    private static final long CLOCK_TICKS = clockTicks();

    private final Map<String, Supplier<Duration>> processes = new LinkedHashMap<>();
    private final Map<String, Duration> start = new HashMap<>();
    private final Map<String, Long> threadsOf = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> threadsAtStart = new HashMap<>();
    private long startNanos;

    CpuMeter add(String name, Supplier<Duration> cpuTime) {
        processes.put(name, cpuTime);
        return this;
    }

    /** Every PostgreSQL process: the server is the machine's, and nothing else uses it during a benchmark. */
    CpuMeter withPostgres() {
        return add("PostgreSQL", CpuMeter::postgres);
    }

    /** This JVM: the load generator, and the SMTP server where a benchmark runs one in process. */
    CpuMeter withHarness(String name) {
        return add(name, () -> Duration.ofNanos(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()));
    }

    /** Also break this process's CPU down by its threads (by name, numbers dropped): where a JVM's time went. */
    CpuMeter byThread(String name, long pid) {
        threadsOf.put(name, pid);
        return this;
    }

    CpuMeter start() {
        processes.forEach((name, cpu) -> start.put(name, cpu.get()));
        threadsOf.forEach((name, pid) -> threadsAtStart.put(name, threadTicks(pid)));
        startNanos = System.nanoTime();
        return this;
    }

    /** One row per process: CPU milliseconds per unit, and its share of the cores over the stretch. */
    void rows(Table table, long units, String unit) {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double total = 0;
        for (Map.Entry<String, Supplier<Duration>> p : processes.entrySet()) {
            double seconds = p.getValue().get().minus(start.get(p.getKey())).toNanos() / 1e9;
            total += seconds;
            table.row("CPU: " + p.getKey(), String.format("%.3f ms/%s", 1000 * seconds / units, unit),
                    String.format("%.1f s of CPU in %.1f s: %.0f%% of one core", seconds, wall, 100 * seconds / wall));
        }
        threadsOf.forEach((name, pid) -> {
            Map<String, Long> now = threadTicks(pid);
            Map<String, Long> before = threadsAtStart.get(name);
            long all = now.values().stream().mapToLong(Long::longValue).sum() - before.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder top = new StringBuilder();
            now.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long> comparingByValue().reversed()).limit(6)
                    .forEach(e -> top.append(top.length() == 0 ? "" : ", ").append(String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / Math.max(1, all))));
            table.row("CPU: " + name + " by thread", "", top.toString());
        });
        int cores = Runtime.getRuntime().availableProcessors();
        table.row("CPU: all of the above", String.format("%.3f ms/%s", 1000 * total / units, unit),
                String.format("%.0f%% of the machine's %d cores", 100 * total / wall / cores, cores));
    }

    /** CPU ticks of a process's live threads, summed by thread name with numbers and pool indices dropped. */
    private static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = fields(stat);
                // "executor-thread-12", "GC Thread#0", "kafka-producer-": one group per pool, by its name less numbers.
                ticks.merge(name.replaceAll("[-#]?\\d*$", "").replaceAll("[-#]?\\d+$", ""), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            }
        } catch (IOException e) {
            return ticks; // the process has exited
        }
        return ticks;
    }

    /**
     * A /proc stat line's fields after "pid (comm) ", from the state on: [1] ppid, [11] utime, [12] stime, [13] cutime,
     * [14] cstime (fields 4, 14 to 17 of man 5 proc). The name may hold spaces and parentheses, hence the last ')'.
     */
    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /**
     * The PostgreSQL server's processes: each one's own time, and the postmaster's count of its children that have
     * exited (connections closed during the stretch).
     */
    private static Duration postgres() {
        long ticks = 0;
        Map<Long, long[]> stats = new HashMap<>();
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path dir : all.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                String stat;
                try {
                    stat = Files.readString(dir.resolve("stat"));
                } catch (IOException e) {
                    continue; // exited meanwhile
                }
                if (!stat.contains("(postgres)")) {
                    continue;
                }
                String[] f = fields(stat);
                stats.put(Long.parseLong(dir.getFileName().toString()),
                        new long[] { Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14]) });
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc for PostgreSQL's CPU time", e);
        }
        for (long[] s : stats.values()) {
            ticks += s[1];
            if (!stats.containsKey(s[0])) {
                ticks += s[2]; // the postmaster: its exited children
            }
        }
        return Duration.ofNanos(ticks * (1_000_000_000L / CLOCK_TICKS));
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder(List.of("getconf", "CLK_TCK")).redirectErrorStream(true).start();
            return Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read CLK_TCK", e);
        }
    }
}
