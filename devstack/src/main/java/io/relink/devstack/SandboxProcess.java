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

/**
 * The Nylas sandbox (module nylas-sandbox) as its own process, started from its packaged jar, for tests and
 * local runs. {@link #control(String, String, String)} drives its {@code /sandbox} controls.
 */
public final class SandboxProcess implements AutoCloseable {
    public static final String CLIENT_ID = "relink-sandbox-client";
    public static final String CLIENT_SECRET = "relink-sandbox-secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final Map<String, String> options;
    private final Path log;
    private Process process;

    /** {@code options} are sandbox settings such as {@code relink.sandbox.accounts}. */
    public SandboxProcess(Map<String, String> options) {
        this(KafkaBroker.freePort(), options);
    }

    public SandboxProcess(int port, Map<String, String> options) {
        this.port = port;
        this.options = new LinkedHashMap<>(options);
        try {
            this.log = Files.createTempFile("relink-sandbox-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized SandboxProcess start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-Dquarkus.http.port=" + port);
        options.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar().toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the sandbox", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the sandbox exited during start-up; see " + log);
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                // Paces the polling, and returns at once if the sandbox dies.
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException("the sandbox did not become ready in 60 s; see " + log);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Calls a sandbox control, e.g. {@code control("PUT", "/sandbox/faults", "{\"serverErrorEvery\": 7}")}; returns the body. */
    public String control(String method, String path, String jsonBody) {
        HttpRequest.BodyPublisher body = jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).method(method, body)
                .header("Content-Type", "application/json").build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The configuration that points a Relink service at this sandbox. */
    public Map<String, String> relinkConfig() {
        return Map.of("relink.nylas.base-url", baseUrl(), "relink.nylas.client-id", CLIENT_ID,
                "relink.nylas.client-secret", CLIENT_SECRET);
    }

    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // A temporary log left behind is harmless.
        }
    }

    /** The sandbox's packaged jar: found from the working directory upwards, or named by relink.sandbox.jar. */
    static Path jar() {
        String configured = Settings.get("relink.sandbox.jar", null);
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("nylas-sandbox/target/quarkus-app/quarkus-run.jar");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("The sandbox is not built: run 'mvn -B verify' from the top (or "
                + "'mvn -pl nylas-sandbox -am package -DskipTests'), or set relink.sandbox.jar.");
    }
}
