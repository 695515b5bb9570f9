package io.relink.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a service's CPU went, from the execution samples of a Java Flight Recording (as {@code -Dbench.profile=true}
 * writes them): the methods on top of the stack (self time), the libraries anywhere on it (inclusive time), and
 * the project's own methods anywhere on it. Run: {@code java benchmarks/src/main/java/io/relink/benchmarks/HotMethods.java <file.jfr> [rows]}.
 */
public final class HotMethods {
    /** Libraries by package prefix, so the inclusive view reads as "what the work is". */
    private static final List<String[]> LIBRARIES = List.of(
            new String[] { "org.hibernate", "Hibernate ORM" }, new String[] { "org.postgresql", "PostgreSQL JDBC driver" },
            new String[] { "io.agroal", "Agroal connection pool" }, new String[] { "com.arjuna", "Narayana transactions" },
            new String[] { "org.apache.kafka", "Kafka client" }, new String[] { "io.smallrye.reactive.messaging", "SmallRye Reactive Messaging" },
            new String[] { "com.fasterxml.jackson", "Jackson" }, new String[] { "io.quarkus.qute", "Qute templates" },
            new String[] { "io.vertx.ext.mail", "Vert.x mail client" }, new String[] { "io.vertx", "Vert.x (all)" },
            new String[] { "io.netty", "Netty" }, new String[] { "org.jboss.resteasy.reactive", "Quarkus REST" },
            new String[] { "io.micrometer", "Micrometer" }, new String[] { "io.opentelemetry", "OpenTelemetry" },
            new String[] { "org.jboss.logmanager", "logging" }, new String[] { "javax.crypto", "JDK crypto" },
            new String[] { "sun.security", "JDK security (TLS, signatures)" }, new String[] { "java.util.regex", "regular expressions" },
            new String[] { "io.relink", "Relink's own code (anywhere on the stack)" });

    /** At the bottom of every Quarkus worker's stack: not work of that library. */
    private static final List<String> THREAD_PLUMBING = List.of("io.netty.util.concurrent.FastThreadLocalRunnable",
            "io.netty.util.internal.ThreadExecutorMap", "org.jboss.threads");

    private HotMethods() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: HotMethods <recording.jfr> [rows]");
        }
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> libraries = new HashMap<>();
        Map<String, Integer> own = new HashMap<>();
        int samples = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                if (frames.isEmpty()) {
                    continue;
                }
                samples++;
                self.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> seenLibraries = new HashSet<>();
                Set<String> seenOwn = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String type = frame.getMethod().getType().getName();
                    if (THREAD_PLUMBING.stream().anyMatch(type::startsWith)) {
                        continue;
                    }
                    for (String[] library : LIBRARIES) {
                        if (type.startsWith(library[0]) && seenLibraries.add(library[1])) {
                            libraries.merge(library[1], 1, Integer::sum);
                        }
                    }
                    if (type.startsWith("io.relink") && seenOwn.add(name(frame))) {
                        own.merge(name(frame), 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("%s: %,d execution samples%n", args[0], samples);
        print("on top of the stack (self)", self, samples, rows);
        print("libraries anywhere on the stack (inclusive)", libraries, samples, rows);
        print("Relink's methods anywhere on the stack (inclusive)", own, samples, rows);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
        System.out.println();
        System.out.println("== " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer> comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }
}
