package io.relink.benchmarks;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.ServiceProcess;
import io.relink.devstack.KafkaBroker;
import io.relink.devstack.PostgresServer;
import io.relink.devstack.PostgresServer.Database;
import io.relink.devstack.SandboxProcess;
import io.relink.events.Topics;
import io.relink.links.LinkConfig;
import io.relink.links.LinkTokens;

/**
 * The OAuth callback's latency with 50 users at once, through the real pages: each user presses the link's
 * button, signs in on the sandbox's page, and comes back to the callback, which is what is timed. The sandbox
 * answers the token exchange without added latency.
 */
final class CallbackBenchmark implements Benchmarks.Benchmark {
    private static final String KEY = "bench-only-link-signing-key-0123456789";
    private static final Pattern INPUT = Pattern.compile("<input type=\"(?:hidden|email)\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");
    private static final Pattern REFRESH = Pattern.compile("<meta http-equiv=\"refresh\" content=\"0; url=([^\"]+)\">");
    private static final Pattern ID = Pattern.compile("\"affected\":\\[([^\\]]*)\\]");
    private final int users = Integer.getInteger("bench.callback.users", 50);
    private final int perUser = Integer.getInteger("bench.callback.per-user", 6);

    @Override
    public Table run() throws Exception {
        Path work = Files.createTempDirectory("relink-bench-callback");
        int port = 18083;
        try (KafkaBroker kafka = KafkaBroker.process(work.resolve("kafka")).start();
                Database db = PostgresServer.fromSettings().createTemporary("relink_bench_reauth");
                SandboxProcess sandbox = new SandboxProcess(Map.of("relink.sandbox.accounts", "5000",
                        "relink.sandbox.redirect-uris", "http://127.0.0.1:" + port + "/reauth/callback")).start()) {
            kafka.createTopics(Topics.all());
            Map<String, String> config = Map.ofEntries(
                    Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                    Map.entry("quarkus.datasource.jdbc.url", db.jdbcUrl()), Map.entry("quarkus.datasource.username", db.user()),
                    Map.entry("quarkus.datasource.password", db.password()),
                    Map.entry("relink.admin.api-key", "bench-admin-key"),
                    Map.entry("relink.public-url", "http://127.0.0.1:" + port),
                    Map.entry("relink.nylas.base-url", sandbox.baseUrl()), Map.entry("relink.nylas.client-id", SandboxProcess.CLIENT_ID),
                    Map.entry("relink.nylas.client-secret", SandboxProcess.CLIENT_SECRET),
                    Map.entry("relink.link.active-key", "bench"), Map.entry("relink.link.keys.bench", KEY),
                    Map.entry("relink.token.encryption-key", Base64.getEncoder().encodeToString(new byte[32])),
                    Map.entry("relink.reauth.secure-cookie", "false"), Map.entry("relink.reauth.scopes", "email.read_only,calendar,contacts"));
            LinkTokens links = new LinkTokens(new LinkConfig() {
                public Map<String, String> keys() {
                    return Map.of("bench", KEY);
                }

                public String activeKey() {
                    return "bench";
                }

                public Duration lifetime() {
                    return Duration.ofDays(1);
                }
            }, Clock.systemUTC());
            Matcher ids = ID.matcher(sandbox.control("GET", "/sandbox/ground-truth", null).replace("\n", ""));
            if (!ids.find()) {
                throw new IllegalStateException("no ground truth");
            }
            List<String> affected = new ArrayList<>();
            for (String quoted : ids.group(1).split(",")) {
                affected.add(quoted.replace("\"", "").trim());
            }
            if (affected.size() < users * perUser) {
                throw new IllegalStateException("the sandbox has only " + affected.size() + " affected accounts");
            }
            try (ServiceProcess reauth = Benchmarks.start("reauth-service", port, Service.REAUTH.jvmOptions(), config)) {
                List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
                ExecutorService pool = Executors.newFixedThreadPool(users);
                long t0 = System.nanoTime();
                List<Future<?>> running = new ArrayList<>();
                for (int u = 0; u < users; u++) {
                    int user = u;
                    running.add(pool.submit(() -> {
                        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
                        for (int i = 0; i < perUser; i++) {
                            String id = affected.get(user * perUser + i);
                            latencies.add(migrate(browser, reauth, sandbox, links.issue(LinkTokens.Purpose.REAUTH, id, email(browser, sandbox, id))));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                pool.shutdown();
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Table("callback: " + users + " concurrent users, " + latencies.size() + " hand-overs through the real pages")
                        .row("callback latency p50", Table.ms(Table.percentile(latencies, 0.5)), "state check, code exchange with the sandbox (no added latency), encrypt, store, outbox")
                        .row("callback latency p99", Table.ms(Table.percentile(latencies, 0.99)), "")
                        .row("hand-overs per second", String.format("%.0f", latencies.size() / seconds), "whole flow: link page button, sign-in, callback");
            }
        }
    }

    /**
     * One user's whole flow: the button's page, on through Nylas to Microsoft's sign-in (Accept), back through Nylas;
     * returns the callback's latency in milliseconds.
     */
    private static double migrate(HttpClient browser, ServiceProcess reauth, SandboxProcess sandbox, String link) throws Exception {
        HttpResponse<String> start = browser.send(HttpRequest.newBuilder(URI.create(reauth.url("/reauth/" + link)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher refresh = REFRESH.matcher(start.body());
        if (!refresh.find()) {
            throw new IllegalStateException("the button answered " + start.statusCode() + ": " + start.body());
        }
        URI microsoft = location(browser.send(HttpRequest.newBuilder(URI.create(refresh.group(1).replace("&amp;", "&"))).build(),
                HttpResponse.BodyHandlers.ofString()));
        String page = browser.send(HttpRequest.newBuilder(microsoft).build(), HttpResponse.BodyHandlers.ofString()).body();
        StringBuilder form = new StringBuilder("decision=accept");
        Matcher m = INPUT.matcher(page);
        while (m.find()) {
            form.append('&').append(m.group(1)).append('=').append(URLEncoder.encode(m.group(2).replace("&amp;", "&"), StandardCharsets.UTF_8));
        }
        URI backAtNylas = location(browser.send(HttpRequest.newBuilder(microsoft).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString()));
        URI callback = location(browser.send(HttpRequest.newBuilder(backAtNylas).build(), HttpResponse.BodyHandlers.ofString()));
        long t = System.nanoTime();
        HttpResponse<String> done = browser.send(HttpRequest.newBuilder(callback).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - t) / 1e6;
        if (done.statusCode() != 303) {
            throw new IllegalStateException("callback answered " + done.statusCode() + ": " + done.body());
        }
        return millis;
    }

    private static URI location(HttpResponse<String> redirect) {
        return URI.create(redirect.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException(redirect.uri() + " answered " + redirect.statusCode() + ": " + redirect.body())));
    }

    private static String email(HttpClient http, SandboxProcess sandbox, String id) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/a/" + SandboxProcess.CLIENT_ID + "/accounts/" + id))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((SandboxProcess.CLIENT_SECRET + ":").getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"email\":\"([^\"]+)\"").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no email for " + id);
        }
        return m.group(1);
    }
}
