package io.relink.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A packaged Quarkus service started as its own JVM, as in production, and measured from outside. */
final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern HEAP_USED = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)", Pattern.MULTILINE);

    private final Process process;
    private final String baseUrl;
    private final Path log;
    final Duration startup;

    private ServiceProcess(Process process, String baseUrl, Path log, Duration startup) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
        this.startup = startup;
    }

    /** Starts {@code module}'s quarkus-run.jar with JVM options and waits until {@code /q/health/ready} is UP. */
    static ServiceProcess start(String module, int port, List<String> jvmOptions) throws Exception {
        return start(module, port, jvmOptions, Map.of());
    }

    /** The same, with configuration passed as system properties. */
    static ServiceProcess start(String module, int port, List<String> jvmOptions, Map<String, String> config) throws Exception {
        Path jar = Path.of(System.getProperty("relink.root", "."), module, "target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run 'mvn -B -Pbench -DskipTests verify' from the top");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(jar.toString());
        Path log = Files.createTempFile("relink-bench-" + module, ".log");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String baseUrl = "http://127.0.0.1:" + port;
        long deadline = started + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited during start-up; see " + log);
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new ServiceProcess(process, baseUrl, log, Duration.ofNanos(System.nanoTime() - started));
                }
            } catch (IOException notYet) {
                // Not listening yet: poll again.
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        process.destroyForcibly();
        throw new IllegalStateException(module + " did not become ready in 120 s; see " + log);
    }

    /** Sends a request with the admin key; returns the body, failing on a non-2xx answer. */
    String call(String method, String path, String adminKey) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + adminKey).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Waits {@code millis} unless the service exits first, which fails the benchmark with its log's place. */
    void pause(long millis) throws InterruptedException {
        if (process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the service exited; see " + log);
        }
    }

    String url(String path) {
        return baseUrl + path;
    }

    /** Heap in use now, from the service's own Prometheus metrics. */
    double heapUsedMiB() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(url("/q/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = HEAP_USED.matcher(metrics);
        double bytes = 0;
        while (m.find()) {
            bytes += Double.parseDouble(m.group(1));
        }
        return bytes / (1024 * 1024);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }
}
