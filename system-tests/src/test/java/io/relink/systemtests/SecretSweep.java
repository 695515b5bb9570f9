package io.relink.systemtests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import io.relink.devstack.RelinkSystem;
import io.relink.devstack.TopicClient;
import io.relink.events.Topics;

/**
 * Looks for secrets where none may be, after a run: the three services' logs, every record of every topic (dead-letter
 * topics too; key, value and headers), and every row of every table of the services' databases, in text and, for
 * binary columns, as the bytes' hex.
 */
final class SecretSweep {
    private SecretSweep() {
    }

    /** Where any of {@code secrets} was found, as "place: first characters of the secret"; empty when nowhere. */
    static List<String> findings(RelinkSystem system, Collection<String> secrets) throws Exception {
        Set<String> found = new LinkedHashSet<>();
        for (RelinkSystem.Service service : RelinkSystem.Service.values()) {
            Path log = system.service(service).log();
            String text = Files.readString(log);
            secrets.stream().filter(text::contains).forEach(s -> found.add("log " + log.getFileName() + ": " + start(s)));
        }
        try (TopicClient topics = new TopicClient(system.kafka().bootstrapServers())) {
            for (String topic : Topics.all()) {
                for (ConsumerRecord<String, byte[]> record : topics.readEverything(topic, Duration.ofSeconds(30))) {
                    StringBuilder text = new StringBuilder(String.valueOf(record.key()));
                    if (record.value() != null) {
                        text.append(new String(record.value(), StandardCharsets.UTF_8));
                    }
                    for (Header header : record.headers()) {
                        text.append(header.key()).append(new String(header.value() == null ? new byte[0] : header.value(), StandardCharsets.UTF_8));
                    }
                    secrets.stream().filter(s -> text.indexOf(s) >= 0).forEach(s -> found.add("topic " + topic + ": " + start(s)));
                }
            }
        }
        for (RelinkSystem.Service service : RelinkSystem.Service.values()) {
            try (Connection c = system.database(service).connect(); Statement s = c.createStatement()) {
                for (String table : tables(s)) {
                    try (ResultSet rows = s.executeQuery("SELECT row_to_json(t)::text FROM \"" + table + "\" t")) {
                        while (rows.next()) {
                            String row = rows.getString(1);
                            // row_to_json writes a bytea as "\\x" and its hex.
                            secrets.stream().filter(secret -> row.contains(secret) || row.contains(hex(secret)))
                                    .forEach(secret -> found.add("database " + system.service(service).module() + " table " + table + ": " + start(secret)));
                        }
                    }
                }
            }
        }
        return new ArrayList<>(found);
    }

    private static List<String> tables(Statement s) throws Exception {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static String hex(String secret) {
        return HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Enough of a secret to find it again in the sandbox's inspection, not enough to use it. */
    private static String start(String secret) {
        return secret.substring(0, Math.min(6, secret.length())) + "…";
    }
}
