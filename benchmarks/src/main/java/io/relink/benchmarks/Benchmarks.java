package io.relink.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.relink.devstack.ServiceProcess;

/** Runs the benchmarks named in {@code bench.run} ("all" by default) and prints one table each. */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        // bench.set: the settings Maven has no property of its own for ("bench.handover.seconds=10 bench.scan.latency-ms=40").
        for (String setting : System.getProperty("bench.set", "none").trim().split("\\s+")) {
            if (!setting.equals("none") && !setting.isEmpty()) {
                String[] pair = setting.split("=", 2);
                if (pair.length != 2 || !pair[0].startsWith("bench.")) {
                    throw new IllegalArgumentException("bench.set takes bench.<name>=<value> pairs, not '" + setting + "'");
                }
                System.setProperty(pair[0], pair[1]);
            }
        }
        Map<String, Benchmark> known = new LinkedHashMap<>();
        known.put("sandbox", new SandboxBenchmark());
        known.put("scan", new ScanBenchmark());
        known.put("pipeline", new PipelineBenchmark());
        known.put("campaign", new CampaignBenchmark());
        known.put("handover", new HandOverBenchmark());
        known.put("smtp-faults", new SmtpFaultsBenchmark());
        String run = System.getProperty("bench.run", "all");
        List<String> chosen = "all".equals(run) ? List.copyOf(known.keySet()) : List.of(run.split(","));
        System.out.println();
        System.out.println("Relink benchmarks on " + machine());
        for (String name : chosen) {
            Benchmark benchmark = known.get(name.trim());
            if (benchmark == null) {
                throw new IllegalArgumentException("unknown benchmark '" + name + "'; known: " + known.keySet());
            }
            benchmark.run().print();
        }
    }

    static String machine() {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return String.format("%d cores, %.1f GiB memory, %s %s, Java %s", Runtime.getRuntime().availableProcessors(),
                os.getTotalMemorySize() / (1024.0 * 1024 * 1024), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"));
    }

    /**
     * Starts a packaged service as its own JVM and waits until it is ready; its log and its garbage collection log
     * ({@link #gcLog}) go to target/bench-logs. With
     * {@code -Dbench.profile=true} the JVM also records a Java Flight Recording (settings "profile") there, written
     * when it stops: {@code benchmarks/jfr-hot-methods} summarises one.
     */
    static ServiceProcess start(String module, int port, List<String> jvmOptions, Map<String, String> config) {
        Path logs = Path.of(System.getProperty("relink.root", "."), "benchmarks", "target", "bench-logs");
        List<String> options = new java.util.ArrayList<>(jvmOptions);
        options.add("-Xlog:gc:file=" + gcLog(module));
        if (Boolean.getBoolean("bench.profile")) {
            options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + logs.resolve(module + ".jfr").toAbsolutePath());
        }
        return ServiceProcess.of(module, port, options, config, logs.resolve(module + ".log")).start();
    }

    /** Where {@link #start} has the service's JVM log its garbage collections (see {@link GcLog}). */
    static Path gcLog(String module) {
        return Path.of(System.getProperty("relink.root", "."), "benchmarks", "target", "bench-logs", module + "-gc.log").toAbsolutePath();
    }

    interface Benchmark {
        Table run() throws Exception;
    }
}
