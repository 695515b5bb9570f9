package io.relink.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.relink.devstack.PostgresServer.Database;
import io.relink.events.Topics;

/**
 * The whole of Relink on one machine, each part a real server: a Kafka broker process, an SMTP server, the Nylas
 * sandbox and the three services from their packaged jars, each with its own database. The local run, the
 * end-to-end and fault tests all start it this way; tests can then kill and restart the broker or any service.
 */
public final class RelinkSystem implements AutoCloseable {
    /**
     * The three services, with the port a local run gives each, and their access to Kafka as the contract gives it:
     * the topics each consumes (in its consumer group) and produces (its events, and the dead-letter topics of what
     * it consumes). A broker that requires SCRAM grants each exactly that (deploy/'s KafkaUsers the same).
     */
    public enum Service {
        // The scanner runs C1-only, as deployed (deploy/base/scanner-service.yaml): a scan is I/O-bound and
        // short, and on two cores C2 kept a core busy compiling for its whole first minute.
        SCANNER("scanner-service", 8081, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), List.of(Topics.NOTIFICATIONS, Topics.MIGRATIONS),
                List.of(Topics.ACCOUNTS)),
        NOTIFIER("notifier-service", 8082, List.of("-Xmx256m"), List.of(Topics.ACCOUNTS, Topics.MIGRATIONS), List.of(Topics.NOTIFICATIONS)),
        REAUTH("reauth-service", 8083, List.of("-Xmx256m"), List.of(), List.of(Topics.MIGRATIONS));

        final String module;
        final int localPort;
        private final List<String> jvmOptions;
        private final List<String> consumes;
        private final List<String> publishes;

        Service(String module, int localPort, List<String> jvmOptions, List<String> consumes, List<String> publishes) {
            this.module = module;
            this.localPort = localPort;
            this.jvmOptions = jvmOptions;
            this.consumes = consumes;
            this.publishes = publishes;
        }

        /** Its Maven module, whose packaged jar runs it. */
        public String module() {
            return module;
        }

        /** The topics it reads, in its consumer group {@link #consumerGroup()}. */
        public List<String> consumes() {
            return consumes;
        }

        /** The topics it writes: its own events, and the dead-letter topics of the topics it consumes. */
        public List<String> produces() {
            List<String> topics = new ArrayList<>(publishes);
            consumes.forEach(t -> topics.add(Topics.deadLetter(t)));
            return topics;
        }

        /** Its consumer group (null for reauth, which consumes nothing); the services' application.properties set the same. */
        public String consumerGroup() {
            return consumes.isEmpty() ? null : "relink-" + name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Its Kafka user on a broker that requires SCRAM. */
        public String kafkaUser() {
            return module;
        }

        /** The JVM options the service runs with here: its deployed options, with a heap that fits beside the others. */
        public List<String> jvmOptions() {
            return jvmOptions;
        }

        String databaseName() {
            return "relink_" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final String LINK_KEY_ID = "local";
    /** The console's admin key on the three services, which lets it name the person it acts for. */
    private static final String CONSOLE_KEY = "local-console-key";
    /** The console's Kafka user on a broker that requires SCRAM (the KafkaUser of deploy/components/kafka-scram). */
    public static final String CONSOLE_KAFKA_USER = "console-service";
    private static final String CONSOLE_SESSION_SECRET = "local-only-console-session-secret-0123456789";
    private static final String LINK_KEY = "local-only-link-signing-key-0123456789";
    // 32 bytes, base64: for a local run or a test only.
    private static final String TOKEN_KEY = "bG9jYWwtb25seS10b2tlbi1rZXktMDEyMzQ1Njc4OWE=";

    private final Builder settings;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    private final Map<Service, Database> databases = new EnumMap<>(Service.class);
    private final Map<Service, Map<String, String>> serviceConfigs = new EnumMap<>(Service.class);
    private final Map<Service, Map<String, Object>> kafkaClients = new EnumMap<>(Service.class);
    private Map<String, Object> consoleKafkaClient = Map.of();
    private KafkaBrokerProcess kafka;
    private Mailbox mail;
    private SandboxProcess sandbox;
    private IdentityProvider identityProvider;
    private ServiceProcess console;

    private RelinkSystem(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    private RelinkSystem start() {
        try {
            Path work = settings.workDir;
            // Databases first: a missing PostgreSQL is the likeliest problem, and says so before anything starts.
            PostgresServer postgres = PostgresServer.fromSettings();
            for (Service service : Service.values()) {
                if (settings.local) {
                    postgres.drop(service.databaseName());
                    databases.put(service, postgres.createIfMissing(service.databaseName()));
                } else {
                    databases.put(service, postgres.createTemporary(service.databaseName()));
                }
                parts.add(databases.get(service));
            }
            if (settings.local) {
                // A local run starts fresh, so its scan finds and emails the accounts again.
                Devstack.deleteRecursively(work.resolve("kafka"));
                Devstack.deleteRecursively(work.resolve("logs"));
            }
            kafka = KafkaBroker.process(work.resolve("kafka"));
            parts.add(kafka);
            if (settings.kafkaScram) {
                kafka.requireScram();
            }
            kafka.start().createTopics(Topics.all());
            if (settings.kafkaScram) {
                for (Service service : Service.values()) {
                    String password = UUID.randomUUID().toString();
                    kafka.createUser(service.kafkaUser(), password);
                    kafka.grant(service.kafkaUser(), service.consumes(), service.consumerGroup(), service.produces());
                    kafkaClients.put(service, KafkaBroker.scramClient(service.kafkaUser(), password));
                }
                // The console's user, as deploy/components/kafka-scram grants it: Describe on the dead-letter topics.
                String password = UUID.randomUUID().toString();
                kafka.createUser(CONSOLE_KAFKA_USER, password);
                kafka.grantDescribe(CONSOLE_KAFKA_USER, Topics.deadLetters());
                consoleKafkaClient = KafkaBroker.scramClient(CONSOLE_KAFKA_USER, password);
            }
            if (settings.unreliableSmtp) {
                UnreliableSmtpServer unreliable = new UnreliableSmtpServer();
                parts.add(unreliable);
                mail = unreliable;
            } else {
                MailServer greenMail = new MailServer(settings.local ? settings.smtpPort : KafkaBroker.freePort()).start();
                parts.add(greenMail);
                mail = greenMail;
            }
            int reauthPort = port(Service.REAUTH);
            String publicUrl = "http://localhost:" + reauthPort;
            // Both registrations of the callback: with Nylas (hosted mode) and in the customer's Azure app (native mode).
            Map<String, String> sandboxOptions = new LinkedHashMap<>(Map.of("relink.sandbox.accounts", String.valueOf(settings.accounts),
                    "relink.sandbox.redirect-uris", publicUrl + "/reauth/callback",
                    "relink.sandbox.microsoft.native-redirect-uris", publicUrl + "/reauth/callback"));
            sandboxOptions.putAll(settings.sandboxOptions);
            sandbox = new SandboxProcess(settings.local ? 8090 : KafkaBroker.freePort(), sandboxOptions, work.resolve("logs/nylas-sandbox.log"));
            parts.add(sandbox);
            sandbox.start();

            Map<String, String> links = Map.of("relink.link.active-key", LINK_KEY_ID, "relink.link.keys." + LINK_KEY_ID, LINK_KEY, "relink.public-url", publicUrl);
            for (Service service : Service.values()) {
                Database db = databases.get(service);
                Map<String, String> config = new LinkedHashMap<>();
                config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
                kafkaClients.getOrDefault(service, Map.of()).forEach((key, value) -> config.put("kafka." + key, String.valueOf(value)));
                config.put("relink.admin.api-key", settings.adminKey);
                config.put("relink.admin.api-keys.console", CONSOLE_KEY);
                config.put("relink.admin.actor-keys", "console");
                config.put("quarkus.datasource.jdbc.url", db.jdbcUrl());
                config.put("quarkus.datasource.username", db.user());
                config.put("quarkus.datasource.password", db.password());
                switch (service) {
                    case SCANNER -> {
                        config.putAll(sandbox.relinkConfig(settings.nylasApi));
                        config.putAll(sandbox.webhookConfig());
                    }
                    case NOTIFIER -> {
                        config.putAll(links);
                        config.putAll(Map.of("quarkus.mailer.host", mail.host(), "quarkus.mailer.port", String.valueOf(mail.port()),
                                "relink.notify.sender-address", "relink@localhost", "relink.brand.support-contact", "support@localhost",
                                "relink.notify.approval", settings.approvalRequired ? "required" : "auto"));
                        config.putAll(sandbox.tenantDiscoveryConfig());
                    }
                    case REAUTH -> {
                        config.putAll(links);
                        config.putAll(sandbox.relinkConfig(settings.nylasApi));
                        // The browser reaches the sandbox by another name than the service does, as in docker-compose.
                        config.putAll(Map.of("relink.reauth.secure-cookie", "false", "relink.token.encryption-key", TOKEN_KEY,
                                "relink.nylas.browser-url", sandbox.baseUrl().replace("127.0.0.1", "localhost")));
                        if (settings.nylasApi.equals("v2")) {
                            // v2's Nylas scopes are required; v3 takes the microsoft connector's.
                            config.put("relink.reauth.scopes", "email.read_only,calendar,contacts");
                        }
                        if (settings.nativeAuth) {
                            config.putAll(sandbox.nativeAuthConfig());
                        }
                    }
                }
                config.putAll(settings.serviceConfig.getOrDefault(service, Map.of()));
                serviceConfigs.put(service, Map.copyOf(config));
                ServiceProcess process = ServiceProcess.of(service.module, port(service), service.jvmOptions(),
                        config, work.resolve("logs/" + service.module + ".log"));
                services.put(service, process);
                parts.add(process);
            }
            // Side by side: on two cores the three start-ups overlap well.
            services.values().forEach(ServiceProcess::launch);
            if (settings.console) {
                startConsole(work);
            }
            services.values().forEach(s -> s.awaitReady(Duration.ofSeconds(180)));
            if (console != null) {
                console.awaitReady(Duration.ofSeconds(180));
            }
            if (settings.nylasApi.equals("v3")) {
                // As an operator registers it in the Nylas dashboard: grant notifications to the scanner.
                sandbox.registerWebhook(services.get(Service.SCANNER).baseUrl() + "/webhooks/nylas");
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The stand-in identity provider (on 127.0.0.1, another site than the console's localhost, as a company's IdP is)
     * and the console, which calls the three services with its own key.
     */
    private void startConsole(Path work) {
        IdentityProvider.Builder idp = IdentityProvider.builder().port(settings.local ? 8095 : 0);
        if (settings.local) {
            idp.autoSignIn(IdentityProvider.OPERATOR);
        }
        identityProvider = idp.start();
        parts.add(identityProvider);
        int port = settings.local ? 8084 : KafkaBroker.freePort();
        identityProvider.allowRedirect("http://localhost:" + port + "/console/signed-in");
        Map<String, String> config = new LinkedHashMap<>(identityProvider.consoleConfig());
        config.put("relink.console.scanner-url", services.get(Service.SCANNER).baseUrl());
        config.put("relink.console.notifier-url", services.get(Service.NOTIFIER).baseUrl());
        config.put("relink.console.reauth-url", services.get(Service.REAUTH).baseUrl());
        config.put("relink.console.service-key", CONSOLE_KEY);
        config.put("relink.console.session-secret", CONSOLE_SESSION_SECRET);
        config.put("relink.console.deadline", settings.deadline);
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        consoleKafkaClient.forEach((key, value) -> config.put("kafka." + key, String.valueOf(value)));
        config.putAll(settings.consoleConfig);
        console = ServiceProcess.of("console-service", port, List.of("-Xmx192m", "-XX:TieredStopAtLevel=1"), config,
                work.resolve("logs/console-service.log"));
        parts.add(console);
        console.launch();
    }

    /** The console, for a system built with {@link Builder#console()}. */
    public ServiceProcess console() {
        return console;
    }

    /** The console's address as a browser opens it (localhost: the identity provider is on 127.0.0.1, another site). */
    public String consoleUrl() {
        return "http://localhost:" + java.net.URI.create(console.baseUrl()).getPort() + "/console";
    }

    public IdentityProvider identityProvider() {
        return identityProvider;
    }

    private int port(Service service) {
        return settings.local ? service.localPort : settings.ports.computeIfAbsent(service, s -> KafkaBroker.freePort());
    }

    public KafkaBrokerProcess kafka() {
        return kafka;
    }

    public Mailbox mail() {
        return mail;
    }

    /** The SMTP server that misbehaves on command, for a system built with {@link Builder#unreliableSmtp()}. */
    public UnreliableSmtpServer unreliableSmtp() {
        if (mail instanceof UnreliableSmtpServer unreliable) {
            return unreliable;
        }
        throw new IllegalStateException("this system was not built with unreliableSmtp()");
    }

    public SandboxProcess sandbox() {
        return sandbox;
    }

    public ServiceProcess service(Service service) {
        return services.get(service);
    }

    public ServiceProcess scanner() {
        return service(Service.SCANNER);
    }

    public ServiceProcess notifier() {
        return service(Service.NOTIFIER);
    }

    public ServiceProcess reauth() {
        return service(Service.REAUTH);
    }

    public String adminKey() {
        return settings.adminKey;
    }

    /** The Nylas API the services call the sandbox with: {@code v3} unless built with {@link Builder#nylasV2()}. */
    public String nylasApi() {
        return settings.nylasApi;
    }

    /** Whether reauth runs in native mode (users sign in with the customer's Azure app, no Nylas page). */
    public boolean nativeAuth() {
        return settings.nativeAuth;
    }

    /** The configuration the service was started with, to start another instance of it differently. */
    public Map<String, String> serviceConfig(Service service) {
        return serviceConfigs.get(service);
    }

    /** The console's Kafka client settings on a broker that requires SCRAM; none otherwise. */
    public Map<String, Object> consoleKafkaClient() {
        return consoleKafkaClient;
    }

    /** The service's Kafka client settings (its SCRAM user) on a broker that requires SCRAM; empty otherwise. */
    public Map<String, Object> kafkaClient(Service service) {
        return kafkaClients.getOrDefault(service, Map.of());
    }

    /** The service's database, to look into from a test. */
    public Database database(Service service) {
        return databases.get(service);
    }

    /** The link-signing key id and secret the notifier and reauth share here, for tests that mint their own links. */
    public Map.Entry<String, String> linkSigningKey() {
        return Map.entry(LINK_KEY_ID, LINK_KEY);
    }

    public Path logs() {
        return settings.workDir.resolve("logs");
    }

    /** Stops the services first (side by side), so nothing they do at shutdown meets a missing broker or database. */
    @Override
    public void close() {
        List<Thread> stopping = services.values().stream().map(s -> new Thread(s::stop, "stop-" + s.module())).toList();
        stopping.forEach(Thread::start);
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception ignored) {
                // Stopping anyway; the next part still gets its turn.
            }
        }
        parts.clear();
    }

    public static final class Builder {
        private final Path workDir;
        private final Map<Service, Map<String, String>> serviceConfig = new EnumMap<>(Service.class);
        private final Map<Service, Integer> ports = new EnumMap<>(Service.class);
        private final Map<String, String> sandboxOptions = new LinkedHashMap<>();
        private boolean local;
        private boolean unreliableSmtp;
        private boolean nativeAuth;
        private boolean kafkaScram;
        private boolean approvalRequired;
        private String nylasApi = "v3";
        private int smtpPort = 2525;
        private long accounts = 200;
        private String adminKey = "local-admin-key";
        private boolean console;
        // A campaign target a month out, so the migrations chart has a pace to show.
        private String deadline = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(30).toString();
        private final Map<String, String> consoleConfig = new LinkedHashMap<>();

        private Builder(Path workDir) {
            this.workDir = workDir.toAbsolutePath();
        }

        /**
         * The fixed ports of a local run (services 8081-8083, sandbox 8090, SMTP {@code smtpPort}) and databases named
         * {@code relink_scanner}, ..., recreated empty; otherwise free ports and temporary databases dropped on close.
         */
        public Builder local(int smtpPort) {
            this.local = true;
            this.smtpPort = smtpPort;
            return this;
        }

        /** SMTP through an {@link UnreliableSmtpServer} (faults set on it at run time) instead of GreenMail. */
        public Builder unreliableSmtp() {
            this.unreliableSmtp = true;
            return this;
        }

        /** A broker that requires SCRAM and ACLs; each service gets its own user, with only what it needs. */
        public Builder kafkaScram() {
            this.kafkaScram = true;
            return this;
        }

        /** Reauth in native mode: users sign in at the sandbox's Microsoft stand-in with the customer's Azure app. */
        public Builder nativeAuth() {
            this.nativeAuth = true;
            return this;
        }

        /**
         * Detected users wait for an operator's approval before they are emailed, as in a new production deployment;
         * without it the notifier runs with {@code approval=auto}.
         */
        public Builder approvalRequired() {
            this.approvalRequired = true;
            return this;
        }

        /** The services call the sandbox as a Nylas v2 application (accounts, Basic auth, /oauth) instead of v3. */
        public Builder nylasV2() {
            this.nylasApi = "v2";
            return this;
        }

        /**
         * Also the operators' console (port 8084 in a local run), signing people in at an {@link IdentityProvider} of
         * its own (8095; a local run signs in as {@link IdentityProvider#OPERATOR} without asking).
         */
        public Builder console() {
            this.console = true;
            return this;
        }

        public Builder consoleConfig(String key, String value) {
            consoleConfig.put(key, value);
            return this;
        }

        public Builder accounts(long accounts) {
            this.accounts = accounts;
            return this;
        }

        public Builder adminKey(String adminKey) {
            this.adminKey = adminKey;
            return this;
        }

        public Builder sandbox(String key, String value) {
            sandboxOptions.put(key, value);
            return this;
        }

        public Builder config(Service service, String key, String value) {
            serviceConfig.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        public RelinkSystem start() {
            return new RelinkSystem(this).start();
        }
    }
}
