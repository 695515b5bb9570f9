package io.relink.devstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Apache Kafka broker in KRaft mode (broker and controller in one node), from the Maven Central
 * jars: no Docker, no ZooKeeper. Its data lives in a directory, so it can be stopped and started again on the
 * same data and ports. {@link #embedded} runs it in this JVM; {@link #process} in a child JVM that a test can
 * kill with SIGKILL.
 */
public abstract sealed class KafkaBroker implements AutoCloseable permits EmbeddedKafkaBroker, KafkaBrokerProcess {
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;

    /** The broker's own administrator when it requires SCRAM: a super user, created when the storage is formatted. */
    private static final String ADMIN_USER = "relink-admin";

    protected final Path dataDir;
    protected final int port;
    protected final int controllerPort;
    private final int partitions;
    private String adminPassword;

    protected KafkaBroker(Path dataDir, int partitions) {
        this.dataDir = dataDir;
        this.port = freePort();
        this.controllerPort = freePort();
        this.partitions = partitions;
    }

    /** A broker in this JVM, the fastest to start; for ordinary tests. */
    public static KafkaBroker embedded(Path dataDir) {
        return new EmbeddedKafkaBroker(dataDir, 3);
    }

    /** A broker in a separate JVM ({@code kafka.Kafka} with a generated server.properties). */
    public static KafkaBrokerProcess process(Path dataDir) {
        return new KafkaBrokerProcess(dataDir, 3);
    }

    /** {@code embedded} unless the system property or environment variable {@code relink.devstack.kafka} says {@code process}. */
    public static KafkaBroker fromSettings(Path dataDir) {
        return "process".equals(Settings.get("relink.devstack.kafka", "embedded")) ? process(dataDir) : embedded(dataDir);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * Clients must authenticate with SCRAM-SHA-512 (SASL_PLAINTEXT) and may do only what ACLs grant them, as on a
     * secured production cluster. Call before the first {@link #start()}; users come from {@link #createUser}.
     */
    public KafkaBroker requireScram() {
        this.adminPassword = UUID.randomUUID().toString();
        return this;
    }

    public boolean requiresScram() {
        return adminPassword != null;
    }

    /** The client settings ({@code security.protocol}, {@code sasl.*}) of {@code user}; none on a broker without SCRAM. */
    public static Map<String, Object> scramClient(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";");
    }

    /** The administrator's client settings: a super user on a broker that requires SCRAM, nothing otherwise. */
    private Map<String, Object> adminClient() {
        return requiresScram() ? scramClient(ADMIN_USER, adminPassword) : Map.of();
    }

    /** Creates (or changes the password of) a SCRAM user. */
    public void createUser(String user, String password) {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                    password))).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create Kafka user " + user, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Grants {@code user} what a Relink service needs and nothing more: read the topics it consumes in its consumer
     * group, and write the topics it produces (its own events and the dead-letter topics of what it consumes).
     */
    public void grant(String user, Collection<String> reads, String group, Collection<String> writes) {
        String principal = "User:" + user;
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : reads) {
            acls.add(allow(principal, new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), AclOperation.READ));
        }
        if (group != null) {
            acls.add(allow(principal, new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL), AclOperation.READ));
        }
        for (String topic : writes) {
            acls.add(allow(principal, new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), AclOperation.WRITE));
        }
        createAcls(user, acls);
    }

    /** Grants {@code user} Describe on {@code topics} alone: their partitions and offsets, never their records (the console's). */
    public void grantDescribe(String user, Collection<String> topics) {
        createAcls(user, topics.stream()
                .map(topic -> allow("User:" + user, new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), AclOperation.DESCRIBE)).toList());
    }

    private void createAcls(String user, List<AclBinding> acls) {
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot grant " + user + " its ACLs", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static AclBinding allow(String principal, ResourcePattern resource, AclOperation operation) {
        return new AclBinding(resource, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** Starts the broker (formatting its storage the first time) and returns once it serves requests. */
    public final KafkaBroker start() {
        formatStorageOnce();
        launch();
        awaitReady(Duration.ofSeconds(90));
        return this;
    }

    /** Stops the broker gracefully; its data stays for a later {@link #start()}. */
    public abstract void stop();

    public abstract boolean isRunning();

    protected abstract void launch();

    /** Creates topics that do not exist yet, so consumers can subscribe before the first record. */
    public void createTopics(Collection<String> topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList();
            admin.createTopics(newTopics).values().values().forEach(f -> {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topics " + topics, e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    public Admin admin() {
        Map<String, Object> config = new HashMap<>(adminClient());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(config);
    }

    @Override
    public void close() {
        stop();
    }

    protected Properties serverProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        if (requiresScram()) {
            // Clients: SCRAM over SASL_PLAINTEXT, then ACLs (nothing is allowed that no ACL grants). The controller
            // listener, on loopback, stays plain; its anonymous principal and the administrator are super users.
            p.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
            p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
            p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
            p.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", scramClient(ADMIN_USER, adminPassword).get("sasl.jaas.config"));
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("super.users", "User:" + ADMIN_USER + ";User:ANONYMOUS");
            p.put("allow.everyone.if.no.acl.found", "false");
        }
        p.put("log.dirs", logDir().toString());
        p.put("num.partitions", String.valueOf(partitions));
        p.put("auto.create.topics.enable", "true");
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Consumers join at once instead of waiting for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    protected Path logDir() {
        return dataDir.resolve("kraft-logs");
    }

    private void formatStorageOnce() {
        if (Files.exists(logDir().resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir());
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir().toString()))
                    .setMetadataLogDirectory(logDir().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setScramArguments(requiresScram() ? List.of("SCRAM-SHA-512=[name=" + ADMIN_USER + ",password=" + adminPassword + "]") : List.of())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir(), e);
        }
    }

    private void awaitReady(Duration timeout) {
        try (Admin admin = admin()) {
            // The admin client retries internally until the broker answers or the timeout passes.
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " did not start: " + failureHint(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected String failureHint() {
        return "see the broker's log";
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
