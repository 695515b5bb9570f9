package io.relink.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Nylas sandbox (module nylas-sandbox) as its own process, started from its packaged jar, for tests and
 * local runs. {@link #control(String, String, String)} drives its {@code /sandbox} controls.
 */
public final class SandboxProcess implements AutoCloseable {
    public static final String CLIENT_ID = "relink-sandbox-client";
    public static final String CLIENT_SECRET = "relink-sandbox-secret";
    /** The v3 application's API key the sandbox accepts. */
    public static final String API_KEY = "nylas-sandbox-api-key";
    /** The secret that signs the sandbox's v3 webhook notifications. */
    public static final String WEBHOOK_SECRET = "nylas-sandbox-webhook-secret";
    /** The customer's Azure app that the sandbox's Microsoft stand-in registers, for native authentication. */
    public static final String AZURE_CLIENT_ID = "customer-azure-app";
    public static final String AZURE_CLIENT_SECRET = "customer-azure-secret";

    private final ServiceProcess process;
    private final boolean temporaryLog;

    /** {@code options} are sandbox settings such as {@code relink.sandbox.accounts}; its log is a temporary file. */
    public SandboxProcess(Map<String, String> options) {
        this(KafkaBroker.freePort(), options, null);
    }

    /** On a given port, logging to {@code log} (a temporary file if null). */
    public SandboxProcess(int port, Map<String, String> options, Path log) {
        this.temporaryLog = log == null;
        try {
            Path file = log == null ? Files.createTempFile("relink-sandbox-", ".log") : log;
            // C1 only: a stand-in shares the cores with the system under test, and its JIT work would be billed to it.
            this.process = ServiceProcess.of("nylas-sandbox", port, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), options, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SandboxProcess start() {
        process.start();
        return this;
    }

    /** CPU time the sandbox's process has used so far (see {@link ServiceProcess#cpuTime()}). */
    public Duration cpuTime() {
        return process.cpuTime();
    }

    public String baseUrl() {
        return process.baseUrl();
    }

    /** Calls a sandbox control, e.g. {@code control("PUT", "/sandbox/faults", "{\"serverErrorEvery\": 7}")}; returns the body. */
    public String control(String method, String path, String jsonBody) {
        return process.call(method, path, null, jsonBody);
    }

    /** The configuration that points a Relink service at this sandbox as a Nylas {@code api} ({@code v3} or {@code v2}) application. */
    public Map<String, String> relinkConfig(String api) {
        return "v2".equals(api)
                ? Map.of("relink.nylas.api", "v2", "relink.nylas.base-url", baseUrl(), "relink.nylas.client-id", CLIENT_ID,
                        "relink.nylas.client-secret", CLIENT_SECRET)
                : Map.of("relink.nylas.api", "v3", "relink.nylas.base-url", baseUrl(), "relink.nylas.client-id", CLIENT_ID,
                        "relink.nylas.api-key", API_KEY);
    }

    /** The scanner's configuration that accepts the webhooks this sandbox signs. */
    public Map<String, String> webhookConfig() {
        return Map.of("relink.webhooks.secret", WEBHOOK_SECRET);
    }

    /** Registers the sandbox's v3 webhook at {@code url} (it must answer Nylas's challenge), delivering promptly. */
    public void registerWebhook(String url) {
        control("PUT", "/sandbox/webhook", "{\"url\": \"" + url + "\"}");
    }

    /**
     * The configuration that points reauth's native mode at the sandbox's Microsoft stand-in, on the sandbox's
     * {@code 127.0.0.1} name: another origin than the {@code localhost} that browsers reach reauth and Nylas by.
     */
    public Map<String, String> nativeAuthConfig() {
        return Map.of("relink.reauth.mode", "native", "relink.microsoft.client-id", AZURE_CLIENT_ID,
                "relink.microsoft.client-secret", AZURE_CLIENT_SECRET, "relink.microsoft.authority", baseUrl() + "/common");
    }

    /** The configuration that points the notifier's tenant discovery at the sandbox's stand-in for Microsoft's. */
    public Map<String, String> tenantDiscoveryConfig() {
        return Map.of("relink.notify.tenant-discovery.enabled", "true", "relink.notify.tenant-discovery.authority", baseUrl());
    }

    public void stop() {
        process.stop();
    }

    @Override
    public void close() {
        stop();
        if (temporaryLog) {
            try {
                Files.deleteIfExists(process.log());
            } catch (IOException ignored) {
                // A temporary log left behind is harmless.
            }
        }
    }
}
