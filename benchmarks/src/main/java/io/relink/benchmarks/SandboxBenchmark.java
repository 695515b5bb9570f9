package io.relink.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.relink.devstack.ServiceProcess;

/**
 * The sandbox with a million accounts on a 64 MiB heap: how long it takes to become ready, the server's own
 * time per page of 100 accounts (its Server-Timing header, so the client and network are left out), and heap.
 */
final class SandboxBenchmark implements Benchmarks.Benchmark {
    private static final int ACCOUNTS = Integer.getInteger("bench.sandbox.accounts", 1_000_000);
    private static final int WARM_UP = 3_000;
    private static final int MEASURED = 5_000;

    @Override
    public Table run() throws Exception {
        try (ServiceProcess sandbox = Benchmarks.start("nylas-sandbox", 18090,
                List.of("-Xmx64m"), Map.of("relink.sandbox.accounts", String.valueOf(ACCOUNTS)))) {
            HttpClient http = HttpClient.newHttpClient();
            String auth = "Basic " + Base64.getEncoder().encodeToString("relink-sandbox-secret:".getBytes(StandardCharsets.UTF_8));
            List<Double> server = new ArrayList<>();
            List<Double> roundTrip = new ArrayList<>();
            long pages = ACCOUNTS / 100;
            for (int i = 0; i < WARM_UP + MEASURED; i++) {
                long offset = (i * 7919L % pages) * 100;
                HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.url("/a/relink-sandbox-client/accounts?limit=100&offset=" + offset)))
                        .header("Authorization", auth).build();
                long started = System.nanoTime();
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                double millis = (System.nanoTime() - started) / 1e6;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("page at " + offset + " answered " + response.statusCode());
                }
                if (i >= WARM_UP) {
                    roundTrip.add(millis);
                    String timing = response.headers().firstValue("Server-Timing").orElseThrow();
                    server.add(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)));
                }
            }
            return new Table("nylas-sandbox: " + String.format("%,d", ACCOUNTS) + " accounts, -Xmx64m")
                    .row("start-up to ready", Table.ms(sandbox.startup().toNanos() / 1e6), "JVM launch to /q/health/ready UP")
                    .row("page of 100, server time p50", Table.ms(Table.percentile(server, 0.5)), MEASURED + " pages after " + WARM_UP + " to warm up")
                    .row("page of 100, server time p99", Table.ms(Table.percentile(server, 0.99)), "")
                    .row("page of 100, round trip p50", Table.ms(Table.percentile(roundTrip, 0.5)), "one client, loopback, keep-alive")
                    .row("heap used after the run", String.format("%.1f MiB", sandbox.heapUsedMiB()), "of a 64 MiB maximum");
        }
    }
}
