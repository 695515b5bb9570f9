package io.relink.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.relink.devstack.PostgresServer.Database;
import io.relink.events.Topics;

/**
 * The real infrastructure one service needs: a Kafka broker, its own fresh PostgreSQL database and an SMTP
 * server. {@link #quarkusConfig()} is the configuration that points a Quarkus application at it.
 */
public final class Devstack implements AutoCloseable {
    private final Path workDir;
    private final KafkaBroker kafka;
    private final Database database;
    private final MailServer mail;

    private Devstack(Path workDir, KafkaBroker kafka, Database database, MailServer mail) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.database = database;
        this.mail = mail;
    }

    /** Starts everything; the database is named after {@code databasePrefix} and dropped on close. */
    public static Devstack start(String databasePrefix) {
        Database database = PostgresServer.fromSettings().createTemporary(databasePrefix);
        Path workDir;
        try {
            workDir = Files.createTempDirectory("relink-devstack-");
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException(e);
        }
        KafkaBroker kafka = KafkaBroker.fromSettings(workDir.resolve("kafka"));
        MailServer mail = new MailServer();
        Devstack stack = new Devstack(workDir, kafka, database, mail);
        try {
            mail.start();
            kafka.start();
            // As production provisions them (deploy/), so no service races a topic's auto-creation.
            kafka.createTopics(Topics.all());
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public Database database() {
        return database;
    }

    public MailServer mail() {
        return mail;
    }

    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        // Containers cannot start here: Dev Services stay off and point at the real servers instead.
        config.put("quarkus.devservices.enabled", "false");
        config.put("quarkus.kafka.devservices.enabled", "false");
        config.put("quarkus.datasource.devservices.enabled", "false");
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
        config.put("quarkus.datasource.username", database.user());
        config.put("quarkus.datasource.password", database.password());
        config.put("quarkus.mailer.host", mail.host());
        config.put("quarkus.mailer.port", String.valueOf(mail.port()));
        config.put("quarkus.mailer.mock", "false");
        return config;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable part : new AutoCloseable[] {kafka, mail, database}) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("devstack did not shut down cleanly", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        deleteRecursively(workDir);
        if (failure != null) {
            throw failure;
        }
    }

    /** Deletes a directory and all below it; a missing one is fine. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
