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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.devstack.KafkaBroker;
import io.relink.devstack.KafkaBrokerProcess;
import io.relink.devstack.PostgresServer;
import io.relink.devstack.PostgresServer.Database;
import io.relink.devstack.RelinkSystem.Service;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.ServiceProcess;
import io.relink.events.Topics;
import io.relink.links.LinkConfig;
import io.relink.links.LinkTokens;

/**
 * Hand-overs through the real pages under open-loop load: users arrive at a fixed rate whether or not earlier ones
 * have finished, as they do in production, so a slow server shows as latency instead of hiding as fewer requests.
 * Each user opens the link page, presses its button, signs in on the sandbox's Microsoft page and comes back to the
 * callback. Reauth's {@code Server-Timing} header gives each step's server time, its own apart from the wait on
 * Nylas, whose stand-in answers its API after a realistic {@code bench.handover.nylas-latency-ms}. Then a ramp of
 * rising rates finds the most reauth sustains on this machine. {@code bench.handover.api} is the Nylas API ({@code v3},
 * the default, or {@code v2}); on v3 the callback also reads the old grant before it records the migration.
 */
final class HandOverBenchmark implements Benchmarks.Benchmark {
    private static final String KEY = "bench-only-link-signing-key-0123456789";
    private static final Pattern INPUT = Pattern.compile("<input type=\"(?:hidden|email)\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");
    private static final Pattern REFRESH = Pattern.compile("<meta http-equiv=\"refresh\" content=\"0; url=([^\"]+)\">");
    private static final Pattern APP = Pattern.compile("app;dur=([0-9.]+)");
    private static final Pattern NYLAS = Pattern.compile("nylas;dur=([0-9.]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Integer> rates = integers("bench.handover.rates", "10,20,50");
    private final int seconds = Integer.getInteger("bench.handover.seconds", 20);
    private final List<Integer> ramp = integers("bench.handover.ramp", "50,100,150,200,250,300,400,500");
    private final int rampSeconds = Integer.getInteger("bench.handover.ramp-seconds", 10);
    private final int nylasLatency = Integer.getInteger("bench.handover.nylas-latency-ms", 150);
    private final String api = System.getProperty("bench.handover.api", "v3");

    /** One user's hand-over: each step's server time (ms) from Server-Timing, and the whole flow as the client saw it. */
    private record Flow(double linkPage, double button, double callback, double callbackNylas, double whole) {
    }

    /** One stretch at one arrival rate: the finished flows, the failures, and how long until the last one finished. */
    private record Stretch(int offered, List<Flow> flows, List<String> failures, double seconds) {
        double achieved() {
            return flows.size() / seconds;
        }

        double p(Function<Flow, Double> step, double p) {
            return Table.percentile(flows.stream().map(step).toList(), p);
        }
    }

    @Override
    public Table run() throws Exception {
        int needed = seconds * rates.stream().mapToInt(Integer::intValue).sum() + rampSeconds * ramp.stream().mapToInt(Integer::intValue).sum()
                + warmUp();
        Path work = Files.createTempDirectory("relink-bench-handover");
        int port = 18083;
        KafkaBrokerProcess kafka = KafkaBroker.process(work.resolve("kafka"));
        try (kafka; Database db = PostgresServer.fromSettings().createTemporary("relink_bench_reauth");
                SandboxProcess sandbox = new SandboxProcess(Map.of("relink.sandbox.accounts", String.valueOf(needed * 8), // about one in seven is affected
                        "relink.sandbox.max-limit", "1000", "relink.sandbox.redirect-uris", "http://127.0.0.1:" + port + "/reauth/callback")).start()) {
            kafka.start();
            kafka.createTopics(Topics.all());
            Queue<String> links = links(sandbox, api, needed);
            sandbox.control("PUT", "/sandbox/faults", "{\"latencyMillis\": " + nylasLatency + "}");
            Map<String, String> config = new java.util.HashMap<>(Map.ofEntries(
                    Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                    Map.entry("quarkus.datasource.jdbc.url", db.jdbcUrl()), Map.entry("quarkus.datasource.username", db.user()),
                    Map.entry("quarkus.datasource.password", db.password()),
                    Map.entry("relink.admin.api-key", "bench-admin-key"),
                    Map.entry("relink.public-url", "http://127.0.0.1:" + port),
                    Map.entry("relink.link.active-key", "bench"), Map.entry("relink.link.keys.bench", KEY),
                    Map.entry("relink.token.encryption-key", Base64.getEncoder().encodeToString(new byte[32])),
                    Map.entry("relink.reauth.secure-cookie", "false"), Map.entry("relink.reauth.server-timing", "true")));
            config.putAll(sandbox.relinkConfig(api));
            if ("v2".equals(api)) {
                config.put("relink.reauth.scopes", "email.read_only,calendar,contacts"); // v2 requires Nylas's scopes
            }
            try (ServiceProcess reauth = Benchmarks.start("reauth-service", port, Service.REAUTH.jvmOptions(), config)) {
                HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
                ExecutorService users = Executors.newCachedThreadPool();
                try {
                    Table table = new Table(String.format("hand-over on Nylas %s: open-loop arrivals through the real pages, the Nylas stand-in answering its API after %d ms;"
                            + " reauth %s, warmed up by %d hand-overs", api, nylasLatency, String.join(" ", Service.REAUTH.jvmOptions()), warmUp()));
                    stretch(20, warmUp() / 20, links, browser, users, reauth, sandbox, null);
                    for (int rate : rates) {
                        CpuMeter cpu = meter(reauth, sandbox, kafka);
                        Stretch s = stretch(rate, seconds, links, browser, users, reauth, sandbox, cpu);
                        String at = rate + "/s: ";
                        table.row(at + "hand-overs", String.format("%d of %d", s.flows().size(), s.offered()), failures(s))
                                .row(at + "link page, reauth", percentiles(s, Flow::linkPage), "server time, p50 / p99 / p99.9 (the slowest, where fewer than 1,000)")
                                .row(at + "button, reauth", percentiles(s, Flow::button), "")
                                .row(at + "callback, reauth's own", percentiles(s, Flow::callback), "without the wait on Nylas")
                                .row(at + "callback, waiting on Nylas", percentiles(s, Flow::callbackNylas), "the code exchange: the stand-in's "
                                        + nylasLatency + " ms and its own work")
                                .row(at + "whole flow, client side", percentiles(s, Flow::whole), "the three steps and the sign-in pages between them");
                        cpu.rows(table, Math.max(1, s.flows().size()), "hand-over");
                    }
                    saturation(table, links, browser, users, reauth, sandbox, kafka);
                    return table;
                } finally {
                    users.shutdownNow();
                }
            }
        }
    }

    /**
     * Rising arrival rates, until one is not kept up with: fewer than 99% of the hand-overs finished without a
     * failure, or the last one finished more than two seconds after the stretch's last arrival (a queue grew).
     */
    private void saturation(Table table, Queue<String> links, HttpClient browser, ExecutorService users, ServiceProcess reauth,
            SandboxProcess sandbox, KafkaBrokerProcess kafka) throws Exception {
        int sustained = 0;
        for (int rate : ramp) {
            CpuMeter cpu = meter(reauth, sandbox, kafka);
            Stretch s = stretch(rate, rampSeconds, links, browser, users, reauth, sandbox, cpu);
            boolean keptUp = s.flows().size() >= 0.99 * s.offered() && s.seconds() <= rampSeconds + 2;
            table.row(String.format("ramp %d/s", rate), String.format("%.0f/s", s.achieved()), String.format(
                    "%s; callback reauth's own p99 %.1f ms, whole flow p99 %.0f ms; %s", keptUp ? "kept up" : "NOT kept up",
                    s.p(Flow::callback, 0.99), s.p(Flow::whole, 0.99), failures(s)));
            cpu.rows(table, Math.max(1, s.flows().size()), "hand-over");
            if (!keptUp) {
                break;
            }
            sustained = rate;
        }
        table.row("saturation", sustained == 0 ? "below " + ramp.get(0) + "/s" : sustained + "/s",
                "the highest arrival rate of the ramp kept up with on this machine, stand-ins and load included");
    }

    private static CpuMeter meter(ServiceProcess reauth, SandboxProcess sandbox, KafkaBrokerProcess kafka) {
        return new CpuMeter().add("reauth", reauth::cpuTime).byThread("reauth", reauth.pid()).add("Nylas sandbox", sandbox::cpuTime)
                .add("Kafka", kafka::cpuTime).withPostgres().withHarness("benchmark JVM (the users)");
    }

    /** {@code rate} users a second for {@code seconds}, each on its own thread from its arrival; waits for all to end. */
    private Stretch stretch(int rate, int seconds, Queue<String> links, HttpClient browser, ExecutorService users, ServiceProcess reauth,
            SandboxProcess sandbox, CpuMeter cpu) throws InterruptedException {
        int offered = rate * seconds;
        List<Flow> flows = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        if (cpu != null) {
            cpu.start();
        }
        long t0 = System.nanoTime();
        long period = 1_000_000_000L / rate;
        for (int i = 0; i < offered; i++) {
            long arrival = t0 + i * period;
            LockSupport.parkNanos(arrival - System.nanoTime()); // open loop: the next user comes on time, whatever the last one is doing
            String link = links.poll();
            if (link == null) {
                throw new IllegalStateException("no links left: raise the sandbox's accounts");
            }
            running.incrementAndGet();
            users.execute(() -> {
                try {
                    flows.add(handOver(browser, reauth, sandbox, link));
                } catch (Exception e) {
                    failures.add(e.getMessage());
                } finally {
                    running.decrementAndGet();
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (running.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        double took = (System.nanoTime() - t0) / 1e9;
        if (running.get() > 0) {
            failures.add(running.get() + " hand-overs still running two minutes after the last arrival");
        }
        return new Stretch(offered, List.copyOf(flows), List.copyOf(failures), took);
    }

    private int warmUp() {
        return Integer.getInteger("bench.handover.warm-up", 400);
    }

    /** One user, as the browser goes: link page, button, Nylas, Microsoft's page and its Accept, back through Nylas, callback. */
    private static Flow handOver(HttpClient browser, ServiceProcess reauth, SandboxProcess sandbox, String link) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> page = send(browser, HttpRequest.newBuilder(URI.create(reauth.url("/reauth/" + link))).header("Accept-Language", "en").build(), 200);
        HttpResponse<String> start = send(browser, HttpRequest.newBuilder(URI.create(reauth.url("/reauth/" + link)))
                .header("Sec-Fetch-Site", "same-origin").header("Accept-Language", "en").POST(HttpRequest.BodyPublishers.noBody()).build(), 200);
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher refresh = REFRESH.matcher(start.body());
        if (!refresh.find()) {
            throw new IllegalStateException("the button's page has no way on: " + start.body());
        }
        URI microsoft = location(send(browser, HttpRequest.newBuilder(URI.create(refresh.group(1).replace("&amp;", "&"))).build(), 0));
        String signIn = send(browser, HttpRequest.newBuilder(microsoft).build(), 200).body();
        StringBuilder form = new StringBuilder("decision=accept");
        Matcher m = INPUT.matcher(signIn);
        while (m.find()) {
            form.append('&').append(m.group(1)).append('=').append(URLEncoder.encode(m.group(2).replace("&amp;", "&"), StandardCharsets.UTF_8));
        }
        URI backAtNylas = location(send(browser, HttpRequest.newBuilder(microsoft).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), 0));
        URI callback = location(send(browser, HttpRequest.newBuilder(backAtNylas).build(), 0));
        HttpResponse<String> done = send(browser, HttpRequest.newBuilder(callback).header("Cookie", cookie).build(), 303);
        String timing = done.headers().firstValue("Server-Timing").orElse("");
        return new Flow(app(page), app(start), app(done), number(NYLAS, timing), (System.nanoTime() - t0) / 1e6);
    }

    /** Sends and checks the status ({@code 0}: any redirect). */
    private static HttpResponse<String> send(HttpClient browser, HttpRequest request, int status) throws Exception {
        HttpResponse<String> response = browser.send(request, HttpResponse.BodyHandlers.ofString());
        boolean expected = status == 0 ? response.statusCode() / 100 == 3 : response.statusCode() == status;
        if (!expected) {
            throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered " + response.statusCode());
        }
        return response;
    }

    private static double app(HttpResponse<String> response) {
        return number(APP, response.headers().firstValue("Server-Timing").orElseThrow(
                () -> new IllegalStateException(response.uri().getPath() + " answered without Server-Timing")));
    }

    private static double number(Pattern pattern, String header) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in Server-Timing: " + header);
        }
        return Double.parseDouble(m.group(1));
    }

    private static URI location(HttpResponse<String> redirect) {
        return URI.create(redirect.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException(redirect.uri() + " answered " + redirect.statusCode() + " without Location")));
    }

    /**
     * A signed link for each of {@code needed} affected accounts (v3: {@code ews} grants), read from the sandbox's list
     * (its ground truth names them), before the stand-in's latency is set.
     */
    private static Queue<String> links(SandboxProcess sandbox, String api, int needed) throws Exception {
        Set<String> affected = new HashSet<>();
        JSON.readTree(sandbox.control("GET", "/sandbox/ground-truth?api=" + api, null)).path("affected").forEach(id -> affected.add(id.asText()));
        LinkTokens tokens = new LinkTokens(new LinkConfig() {
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
        HttpClient http = HttpClient.newHttpClient();
        boolean v2 = "v2".equals(api);
        String auth = v2 ? "Basic " + Base64.getEncoder().encodeToString((SandboxProcess.CLIENT_SECRET + ":").getBytes(StandardCharsets.UTF_8))
                : "Bearer " + SandboxProcess.API_KEY;
        Queue<String> links = new ArrayDeque<>();
        for (int offset = 0; links.size() < needed; offset += 1000) {
            String list = v2 ? "/a/" + SandboxProcess.CLIENT_ID + "/accounts?" : "/v3/grants?provider=ews&";
            JsonNode body = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + list + "offset=" + offset + "&limit=1000"))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonNode page = v2 ? body : body.path("data");
            if (page.isEmpty()) {
                throw new IllegalStateException("the sandbox has only " + links.size() + " affected accounts; " + needed + " needed");
            }
            for (JsonNode account : page) {
                if (affected.contains(account.path("id").asText()) && links.size() < needed) {
                    links.add(tokens.issue(LinkTokens.Purpose.REAUTH, account.path("id").asText(), account.path("email").asText()));
                }
            }
        }
        return new java.util.concurrent.ConcurrentLinkedQueue<>(links);
    }

    private static String percentiles(Stretch s, Function<Flow, Double> step) {
        if (s.flows().isEmpty()) {
            return "none finished";
        }
        return String.format("%.1f / %.1f / %.1f ms", s.p(step, 0.5), s.p(step, 0.99), s.p(step, 0.999));
    }

    private static String failures(Stretch s) {
        if (s.failures().isEmpty()) {
            return "no failures";
        }
        Map<String, Long> kinds = new java.util.TreeMap<>();
        s.failures().forEach(f -> kinds.merge(String.valueOf(f), 1L, Long::sum));
        return s.failures().size() + " failed: " + kinds;
    }

    private static List<Integer> integers(String property, String defaults) {
        return List.of(System.getProperty(property, defaults).split(",")).stream().map(String::trim).map(Integer::parseInt).toList();
    }
}
