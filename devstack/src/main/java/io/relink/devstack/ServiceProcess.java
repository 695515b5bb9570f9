package io.relink.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A packaged Quarkus application (a Relink service or the sandbox) running as its own JVM, as in production, and
 * driven from outside: started from its {@code quarkus-run.jar}, killed with SIGKILL as a crashed pod would be, and
 * started again on the same port and configuration. Its output is appended to one log across restarts.
 */
public final class ServiceProcess implements AutoCloseable {
    // HTTP/1.1 as curl and probes speak it; the JDK's default h2c upgrade can end a bodiless POST with GOAWAY.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern HEAP_USED = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)", Pattern.MULTILINE);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final String module;
    private final int port;
    private final List<String> command;
    private final Path log;
    private Process process;
    private Duration startup;

    private ServiceProcess(String module, int port, List<String> command, Path log) {
        this.module = module;
        this.port = port;
        this.command = command;
        this.log = log;
    }

    /** Prepares {@code module}'s packaged jar with JVM options and configuration (as system properties); not started yet. */
    public static ServiceProcess of(String module, int port, List<String> jvmOptions, Map<String, String> config, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        Map<String, String> all = new LinkedHashMap<>(config);
        all.put("quarkus.http.port", String.valueOf(port));
        all.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar(module).toString());
        return new ServiceProcess(module, port, List.copyOf(command), log);
    }

    /** Starts it and waits until {@code /q/health/ready} answers 200. */
    public ServiceProcess start() {
        if (isRunning()) {
            return this;
        }
        long started = System.nanoTime();
        launch().awaitReady(READY_TIMEOUT);
        startup = Duration.ofNanos(System.nanoTime() - started);
        return this;
    }

    /** Launches without waiting; several services then start side by side and {@link #awaitReady} waits for each. */
    public synchronized ServiceProcess launch() {
        if (!isRunning()) {
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + module, e);
            }
        }
        return this;
    }

    /** Polls readiness; waiting on the process paces the polls and ends them at once if it dies. */
    public ServiceProcess awaitReady(Duration timeout) {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            throw new IllegalStateException(module + " is not running");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(module + " exited during start-up (code " + p.exitValue() + "); see " + log);
                }
                if (isReady()) {
                    return this;
                }
                p.waitFor(50, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException(module + " did not become ready in " + timeout.toSeconds() + " s; see " + log);
    }

    /** True while {@code /q/health/ready} answers 200. */
    public boolean isReady() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url("/q/health/ready"))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListening) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing in memory is flushed; what was committed must survive it. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitQuietly(process, 30);
            process = null;
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 20 s. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            if (!waitQuietly(process, 20)) {
                process.destroyForcibly();
                waitQuietly(process, 10);
            }
            process = null;
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * CPU time the running process has used so far, all threads, user and system, by the operating system's count;
     * zero when it is not running.
     */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(module + " is not running");
        }
        return process.pid();
    }

    public synchronized Duration cpuTime() {
        return process == null ? Duration.ZERO : process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    public String module() {
        return module;
    }

    public Path log() {
        return log;
    }

    /** Time from launch to ready, of the last {@link #start()}. */
    public Duration startup() {
        return startup;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String url(String path) {
        return baseUrl() + path;
    }

    /** Sends a request with the admin key and an optional JSON body; returns the body, failing on a non-2xx answer. */
    public String call(String method, String path, String adminKey, String jsonBody) {
        HttpResponse<String> response = request(method, path, adminKey, jsonBody);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    public String call(String method, String path, String adminKey) {
        return call(method, path, adminKey, null);
    }

    /** Sends a request and returns the response whatever its status; {@code adminKey} may be null. */
    public HttpResponse<String> request(String method, String path, String adminKey, String jsonBody) {
        return request(method, path, adminKey, jsonBody, Map.of());
    }

    /** The same, with more headers (e.g. {@code Accept}). */
    public HttpResponse<String> request(String method, String path, String adminKey, String jsonBody, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (adminKey != null) {
            request.header("Authorization", "Bearer " + adminKey);
        }
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage() + "; see " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits {@code millis} unless the process exits first, which fails the caller with its log's place. */
    public void pause(long millis) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null || p.waitFor(millis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(module + " is not running; see " + log);
        }
    }

    /** Heap in use now, from the service's own Prometheus metrics. */
    public double heapUsedMiB() {
        Matcher m = HEAP_USED.matcher(call("GET", "/q/metrics", null));
        double bytes = 0;
        while (m.find()) {
            bytes += Double.parseDouble(m.group(1));
        }
        return bytes / (1024 * 1024);
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * A module's packaged jar: {@code relink.<module>.jar} if set, else {@code <module>/target/quarkus-app/quarkus-run.jar}
     * under {@code relink.root} or the nearest directory upwards from here that has it.
     */
    public static Path jar(String module) {
        String configured = Settings.get("relink." + module + ".jar", null);
        if (configured != null) {
            return Path.of(configured);
        }
        Path relative = Path.of(module, "target", "quarkus-app", "quarkus-run.jar");
        String root = Settings.get("relink.root", null);
        if (root != null && Files.exists(Path.of(root).resolve(relative))) {
            return Path.of(root).resolve(relative).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(module + " is not built: run 'mvn -B install -DskipTests' from the top (or "
                + "'mvn -pl " + module + " -am package -DskipTests'), or set relink." + module + ".jar.");
    }

    private static boolean waitQuietly(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
