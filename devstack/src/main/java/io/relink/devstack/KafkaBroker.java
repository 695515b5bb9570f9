package io.relink.devstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
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

    protected final Path dataDir;
    protected final int port;
    protected final int controllerPort;
    private final int partitions;

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
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
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
