package io.relink.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.relink.events.Topics;
import jakarta.mail.internet.MimeMessage;

/**
 * Relink on one machine, no Docker: a Kafka broker process, an SMTP server, the Nylas sandbox and the three
 * services from their packaged jars, each with its own database on the local PostgreSQL. Starts a scan, then
 * prints every email's link as it arrives. Ctrl-C stops everything.
 */
public final class LocalStack {
    private static final String ADMIN_KEY = "local-admin-key";
    private static final List<String> DATABASES = List.of("relink_scanner", "relink_notifier", "relink_reauth");
    private static final Pattern LINK = Pattern.compile("http://localhost:8083/reauth/[A-Za-z0-9._-]+");

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(Settings.get("relink.root", ".")).toAbsolutePath();
        Path work = Files.createDirectories(root.resolve(".relink"));
        PostgresServer postgres = PostgresServer.fromSettings();
        // Every run starts fresh, so its scan finds and emails the accounts again: its own databases and broker data only.
        for (String database : DATABASES) {
            postgres.drop(database);
        }
        Devstack.deleteRecursively(work.resolve("kafka"));
        List<AutoCloseable> running = new ArrayList<>();
        List<Process> services = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            services.forEach(Process::destroy);
            services.forEach(p -> waitFor(p));
            for (int i = running.size() - 1; i >= 0; i--) {
                try {
                    running.get(i).close();
                } catch (Exception ignored) {
                    // Stopping anyway.
                }
            }
            System.out.println("Relink stopped.");
        }));

        KafkaBrokerProcess kafka = KafkaBroker.process(work.resolve("kafka"));
        running.add(kafka);
        kafka.start().createTopics(Topics.all());
        MailServer mail = new MailServer(Integer.parseInt(Settings.get("relink.local.smtp-port", "2525"))).start();
        running.add(mail);
        SandboxProcess sandbox = new SandboxProcess(8090, Map.of("relink.sandbox.accounts", Settings.get("relink.local.accounts", "200"),
                "quarkus.http.host", "127.0.0.1"));
        running.add(sandbox);
        sandbox.start();

        Map<String, String> common = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(), "relink.admin.api-key", ADMIN_KEY,
                "quarkus.datasource.username", postgres.user(), "quarkus.datasource.password", postgres.password());
        String scanner = "http://127.0.0.1:8081";
        services.add(service(root, work, "scanner-service", 8081, postgres.createIfMissing("relink_scanner").jdbcUrl(), common, Map.of(
                "relink.nylas.base-url", sandbox.baseUrl(), "relink.nylas.client-id", SandboxProcess.CLIENT_ID,
                "relink.nylas.client-secret", SandboxProcess.CLIENT_SECRET)));
        Map<String, String> links = Map.of("relink.link.active-key", "local", "relink.link.keys.local", "local-only-link-signing-key-0123456789",
                "relink.public-url", "http://localhost:8083");
        services.add(service(root, work, "notifier-service", 8082, postgres.createIfMissing("relink_notifier").jdbcUrl(), common, merge(links, Map.of(
                "quarkus.mailer.host", mail.host(), "quarkus.mailer.port", String.valueOf(mail.port()),
                "relink.notify.sender-address", "relink@localhost", "relink.notify.support-contact", "support@localhost"))));
        services.add(service(root, work, "reauth-service", 8083, postgres.createIfMissing("relink_reauth").jdbcUrl(), common, merge(links, Map.of(
                "relink.nylas.base-url", sandbox.baseUrl(), "relink.nylas.client-id", SandboxProcess.CLIENT_ID,
                "relink.nylas.client-secret", SandboxProcess.CLIENT_SECRET, "relink.reauth.secure-cookie", "false",
                "relink.token.encryption-key", "bG9jYWwtb25seS10b2tlbi1rZXktMDEyMzQ1Njc4OWE=", "quarkus.http.host", "127.0.0.1"))));
        for (int i = 0; i < services.size(); i++) {
            awaitReady("http://127.0.0.1:" + (8081 + i), services.get(i));
        }
        HttpClient http = HttpClient.newHttpClient();
        String scan = http.send(HttpRequest.newBuilder(URI.create(scanner + "/api/scans")).POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString()).body();
        System.out.println();
        System.out.println("Relink is running. A scan started: " + scan);
        System.out.println("  funnel:   curl -H 'Authorization: Bearer " + ADMIN_KEY + "' " + scanner + "/api/summary");
        System.out.println("  scans:    curl -H 'Authorization: Bearer " + ADMIN_KEY + "' " + scanner + "/api/scans");
        System.out.println("  sandbox:  " + sandbox.baseUrl() + "/sandbox/ground-truth");
        System.out.println("  logs:     " + work.resolve("logs"));
        System.out.println("Each email's link appears below: open it in a browser, press the button, Allow on the sandbox page,");
        System.out.println("and the account moves to MIGRATED in the funnel. Ctrl-C stops everything.");
        int shown = 0;
        while (true) {
            List<MimeMessage> messages = mail.receivedMessages();
            for (; shown < messages.size(); shown++) {
                MimeMessage m = messages.get(shown);
                Matcher link = LINK.matcher(String.valueOf(textOf(m)));
                System.out.println("  email to " + m.getAllRecipients()[0] + ": " + m.getSubject() + (link.find() ? "\n    " + link.group() : ""));
            }
            mail.awaitMessages(shown + 1, 2_000);
        }
    }

    private static Process service(Path root, Path work, String module, int port, String jdbcUrl, Map<String, String> common,
            Map<String, String> own) throws IOException {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run 'mvn -B install -DskipTests' first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dquarkus.http.port=" + port, "-Dquarkus.datasource.jdbc.url=" + jdbcUrl));
        merge(common, own).forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        Path logs = Files.createDirectories(work.resolve("logs"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs.resolve(module + ".log").toFile()).start();
    }

    /** Polls readiness; waiting on the process paces the polls and ends them at once if the service dies. */
    private static void awaitReady(String base, Process service) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Starting.
            }
            if (service.waitFor(200, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(base + " exited during start-up; see .relink/logs");
            }
        }
        throw new IllegalStateException(base + " did not become ready; see .relink/logs");
    }

    private static Object textOf(MimeMessage m) {
        try {
            Object content = m.getContent();
            if (content instanceof jakarta.mail.Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    if (multipart.getBodyPart(i).isMimeType("text/plain")) {
                        return multipart.getBodyPart(i).getContent();
                    }
                }
            }
            return content;
        } catch (Exception e) {
            return "";
        }
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> merged = new java.util.LinkedHashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
    }
}
