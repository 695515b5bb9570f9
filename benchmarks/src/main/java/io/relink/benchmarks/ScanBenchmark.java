package io.relink.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.ServiceProcess;
import io.relink.devstack.KafkaBroker;
import io.relink.devstack.KafkaBrokerProcess;
import io.relink.devstack.PostgresServer;
import io.relink.devstack.PostgresServer.Database;
import io.relink.devstack.SandboxProcess;
import io.relink.events.Topics;

/**
 * Accounts per second of a full scan by the packaged scanner (its own JVM, real Kafka and PostgreSQL) against
 * the sandbox at 20 ms per request, on each Nylas API ({@code bench.scan.apis}, default {@code v3,v2}), beside the
 * seed script's method measured in the same run: one request at a time, 50 per page (on v3, the same loop over
 * {@code /v3/grants?provider=ews}). Also the heap the scanner keeps, its CPU per account and that of the stand-ins.
 * On v3 the listing is filtered by connector at Nylas, so "accounts" are the {@code ews} grants read.
 */
final class ScanBenchmark implements Benchmarks.Benchmark {
    private static final String ADMIN_KEY = "bench-admin-key";
    /** The seed script's {@code exchange_providers}. */
    private static final List<String> EXCHANGE_PROVIDERS = List.of("eas", "ews");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"");
    private static final Pattern ACCOUNTS_SEEN = Pattern.compile("\"accountsSeen\":(\\d+)");
    private static final Pattern AFFECTED = Pattern.compile("\"affected\":(\\d+)");
    private static final Pattern DURATION = Pattern.compile("\"durationSeconds\":([0-9.]+)");
    private static final Pattern RETRIES = Pattern.compile("\"retries\":(\\d+)");
    private static final Pattern PAGES_READ = Pattern.compile("\"pagesRead\":(\\d+)");
    private static final Pattern STORE_COUNT = Pattern.compile("^relink_scan_store_seconds_count(?:\\{[^}]*})? ([0-9.eE+]+)", Pattern.MULTILINE);
    private static final Pattern STORE_SUM = Pattern.compile("^relink_scan_store_seconds_sum(?:\\{[^}]*})? ([0-9.eE+]+)", Pattern.MULTILINE);
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    private final List<Integer> sizes;
    private final List<String> apis;
    private final int latencyMillis;
    private final int sequentialSample;
    /** The scanner's request ceiling ({@code relink.scan.max-requests-per-second}); its default unless set. */
    private final int requestsPerSecond;
    /** The largest scan's heap after garbage collection, median over its first and its last quarter. */
    private double firstQuarterHeap;
    private double lastQuarterHeap;

    ScanBenchmark() {
        this.sizes = List.of(System.getProperty("bench.scan.accounts", "100000").split(",")).stream().map(String::trim).map(Integer::parseInt).toList();
        this.apis = List.of(System.getProperty("bench.scan.apis", "v3,v2").split(",")).stream().map(String::trim).toList();
        this.latencyMillis = Integer.getInteger("bench.scan.latency-ms", 20);
        this.sequentialSample = Integer.getInteger("bench.scan.sequential-sample", 20_000);
        this.requestsPerSecond = Integer.getInteger("bench.scan.requests-per-second", 400);
    }

    @Override
    public Table run() throws Exception {
        Table table = new Table("scan: sandbox at " + latencyMillis + " ms per request; scanner freshly started for each size, "
                + requestsPerSecond + " requests/s at most, otherwise its default settings, " + String.join(" ", Service.SCANNER.jvmOptions()));
        Path work = Files.createTempDirectory("relink-bench-scan");
        KafkaBrokerProcess kafka = KafkaBroker.process(work.resolve("kafka"));
        try (kafka) {
            kafka.start();
            kafka.createTopics(Topics.all());
            for (String api : apis) {
                for (int accounts : sizes) {
                    measure(api, accounts, kafka, table);
                }
            }
            if (firstQuarterHeap > 0) {
                table.row("heap kept, first quarter of the largest scan", String.format("%.0f MiB", firstQuarterHeap),
                        "median after garbage collection: flat if the same as in the last quarter");
                table.row("heap kept, last quarter of the largest scan", String.format("%.0f MiB", lastQuarterHeap),
                        "the scanner holds only the pages in flight, however long the list");
            }
        }
        return table;
    }

    private void measure(String api, int accounts, KafkaBrokerProcess kafka, Table table) throws Exception {
        try (SandboxProcess sandbox = new SandboxProcess(Map.of("relink.sandbox.accounts", String.valueOf(accounts),
                "relink.sandbox.max-limit", "1000", "relink.sandbox.faults.latency", latencyMillis + "ms")).start();
                Database db = PostgresServer.fromSettings().createTemporary("relink_bench_scanner")) {
            double sequential = "v2".equals(api) ? sequentialAccountsPerSecond(sandbox, Math.min(accounts, sequentialSample))
                    : sequentialGrantsPerSecond(sandbox, Math.min(accounts, sequentialSample));
            Map<String, String> config = new java.util.LinkedHashMap<>(Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "quarkus.datasource.jdbc.url", db.jdbcUrl(),
                    "quarkus.datasource.username", db.user(),
                    "quarkus.datasource.password", db.password(),
                    "relink.admin.api-key", ADMIN_KEY,
                    "relink.scan.max-requests-per-second", String.valueOf(requestsPerSecond)));
            config.putAll(sandbox.relinkConfig(api));
            try (ServiceProcess scanner = Benchmarks.start("scanner-service", 18081, Service.SCANNER.jvmOptions(), config)) {
                CpuMeter cpu = new CpuMeter().add("scanner", scanner::cpuTime).byThread("scanner", scanner.pid()).add("Nylas sandbox", sandbox::cpuTime).add("Kafka", kafka::cpuTime)
                        .withPostgres().withHarness("benchmark JVM").start();
                GcLog gc = new GcLog(Benchmarks.gcLog("scanner-service")).mark();
                String started = scanner.call("POST", "/api/scans", ADMIN_KEY);
                String id = first(ID, started);
                String view;
                do {
                    view = scanner.call("GET", "/api/scans/" + id, ADMIN_KEY);
                    if ("RUNNING".equals(first(STATUS, view))) {
                        scanner.pause(250); // one look at the scan every quarter second
                    }
                } while ("RUNNING".equals(first(STATUS, view)));
                if (!"COMPLETED".equals(first(STATUS, view))) {
                    throw new IllegalStateException("the scan did not complete: " + view);
                }
                // From the scanner's own record (start to completion), not rounded up to the next look at it.
                double seconds = Double.parseDouble(first(DURATION, view));
                long seen = Long.parseLong(first(ACCOUNTS_SEEN, view));
                String metrics = scanner.call("GET", "/q/metrics", null);
                double storeCount = Double.parseDouble(first(STORE_COUNT, metrics));
                double storeSeconds = Double.parseDouble(first(STORE_SUM, metrics));
                double rate = seen / seconds;
                long pages = Long.parseLong(first(PAGES_READ, view));
                long requests = pages + Long.parseLong(first(RETRIES, view));
                double requestRate = requests / seconds;
                double heapKept = gc.afterCollectionMiB(0.5);
                firstQuarterHeap = gc.afterCollectionMiB(0.5, 0, 0.25);
                lastQuarterHeap = gc.afterCollectionMiB(0.5, 0.75, 1);
                String label = String.format("%s, %,d accounts", api, accounts);
                table.row(label + ": scanner", String.format("%,.0f accounts/s", rate),
                        String.format("%.1f s for %,d accounts, %s affected", seconds, seen, first(AFFECTED, view)))
                        .row(label + ": request rate", String.format("%.1f%% of the ceiling", 100 * requestRate / requestsPerSecond),
                                String.format("%,d requests in %.1f s: %.0f/s against %d/s; pages of 100 that overlap by 10", requests, seconds,
                                        requestRate, requestsPerSecond))
                        .row(label + ": sequential, page 50", String.format("%,.0f accounts/s", sequential),
                                String.format("the seed script's loop, over the first %,d accounts", Math.min(accounts, sequentialSample)))
                        .row(label + ": speed-up", String.format("%.1f x", rate / sequential), "")
                        .row(label + ": scanner heap kept", String.format("%.0f MiB", heapKept), String.format(
                                "median of what its %d garbage collections during the scan left in use; the most %.0f MiB", gc.collections(),
                                gc.afterCollectionMiB(1)))
                        .row(label + ": storing", String.format("%.0f%% of the scan", 100 * storeSeconds / seconds),
                                String.format("%,.0f transactions, %.1f ms and %.1f pages each", storeCount, 1000 * storeSeconds / storeCount,
                                        pages / storeCount));
                cpu.rows(table, seen, "account");
            }
        }
    }

    /**
     * The seed script's loop: one request at a time, 50 per page, each page parsed and filtered for password
     * eas/ews accounts, until a short page. (The script also opened a new connection per request; this keeps
     * one, which favours the loop.)
     */
    private static double sequentialAccountsPerSecond(SandboxProcess sandbox, int sample) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String auth = "Basic " + Base64.getEncoder().encodeToString((SandboxProcess.CLIENT_SECRET + ":").getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        int read = 0;
        List<JsonNode> exchangePasswordAccounts = new ArrayList<>();
        while (read < sample) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/a/" + SandboxProcess.CLIENT_ID
                    + "/accounts?offset=" + read + "&limit=50")).header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("sequential page at " + read + ": HTTP " + response.statusCode());
            }
            JsonNode page = json.readTree(response.body());
            for (JsonNode account : page) {
                if (EXCHANGE_PROVIDERS.contains(account.path("provider").asText()) && "password".equals(account.path("authentication_type").asText())) {
                    exchangePasswordAccounts.add(account);
                }
            }
            read += page.size();
            if (page.size() < 50) {
                break;
            }
        }
        if (exchangePasswordAccounts.isEmpty()) {
            throw new IllegalStateException("the sequential loop found no affected account in " + read);
        }
        return read / ((System.nanoTime() - t0) / 1e9);
    }

    /** The same loop on v3: one request at a time, 50 per page, the {@code ews} grants, until a short page. */
    private static double sequentialGrantsPerSecond(SandboxProcess sandbox, int sample) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        long t0 = System.nanoTime();
        int read = 0;
        while (read < sample) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl()
                    + "/v3/grants?provider=ews&sort_by=created_at&order_by=asc&limit=50&offset=" + read))
                    .header("Authorization", "Bearer " + SandboxProcess.API_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("sequential page at " + read + ": HTTP " + response.statusCode());
            }
            JsonNode page = json.readTree(response.body()).path("data");
            read += page.size();
            if (page.size() < 50) {
                break;
            }
        }
        if (read == 0) {
            throw new IllegalStateException("the sequential loop found no ews grant");
        }
        return read / ((System.nanoTime() - t0) / 1e9);
    }

    private static String first(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in " + text);
        }
        return m.group(1);
    }
}
