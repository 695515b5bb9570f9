package io.relink.platform.deadletter;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The dead-letter topics from an operator's shell (every service image holds it; see deploy/README.md, "Runbook"):
 *
 * <pre>
 * list   &lt;dlq&gt; [--limit N]
 * replay &lt;dlq&gt; (--all | --record &lt;partition&gt;:&lt;offset&gt; ...) [--dry-run]
 * </pre>
 *
 * Kafka settings come from the environment under the services' names ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG},
 * {@code KAFKA_SSL_TRUSTSTORE_*}, any {@code KAFKA_*} client setting), with an operator's identity. It prints JSON
 * and exits 0; 2 for wrong arguments (with the usage), 1 when Kafka fails.
 */
public final class DeadLetterTool {
    static final String USAGE = """
            usage: list   <dlq> [--limit N]
                   replay <dlq> (--all | --record <partition>:<offset> ...) [--dry-run]
            Kafka settings from KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_* ...""";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private DeadLetterTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        try {
            if (args.length < 2) {
                throw new IllegalArgumentException("a command and a dead-letter topic, please");
            }
            DeadLetters deadLetters = new DeadLetters(kafkaSettings(environment));
            Object result = switch (args[0]) {
                case "list" -> deadLetters.list(args[1], args.length == 4 && args[2].equals("--limit") ? Integer.parseInt(args[3]) : 100);
                case "replay" -> replay(deadLetters, args);
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            };
            out.println(JSON.writeValueAsString(result));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IllegalStateException | JsonProcessingException | org.apache.kafka.common.KafkaException e) {
            err.println("failed: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            return 1;
        }
    }

    private static DeadLetters.Replay replay(DeadLetters deadLetters, String[] args) {
        boolean all = false;
        boolean dryRun = false;
        List<DeadLetters.Position> records = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--all" -> all = true;
                case "--dry-run" -> dryRun = true;
                case "--record" -> records.add(position(i + 1 < args.length ? args[++i] : ""));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (all == !records.isEmpty()) {
            throw new IllegalArgumentException("replay either --all or --record <partition>:<offset> ...");
        }
        return all ? deadLetters.replayAll(args[1], dryRun) : deadLetters.replay(args[1], records, dryRun);
    }

    private static DeadLetters.Position position(String text) {
        String[] parts = text.split(":");
        try {
            return new DeadLetters.Position(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a record is <partition>:<offset>, such as 0:12, not " + text);
        }
    }

    /** {@code KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}: every {@code KAFKA_*} variable that names a client setting. */
    static Map<String, Object> kafkaSettings(Map<String, String> environment) {
        Set<String> known = new HashSet<>(ConsumerConfig.configNames());
        known.addAll(ProducerConfig.configNames());
        Map<String, Object> settings = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("KAFKA_")) {
                String key = name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (known.contains(key)) {
                    settings.put(key, value);
                }
            }
        });
        if (!settings.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS is not set");
        }
        return settings;
    }
}
