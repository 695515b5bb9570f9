package io.relink.platform.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.HealthGroup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether a Kafka broker answers within a short, fixed time: {@code /q/health/group/kafka}, and the gauge
 * {@code relink_kafka_up} (refreshed every {@code relink.health.kafka-interval}) for alerts. Not part of readiness
 * or liveness: every service serves its own requests without Kafka (what it publishes waits in the outbox, what it
 * consumes waits on the broker), and a reauth taken out of its Service would answer every emailed link with 503. The
 * stock check waits as long as the admin client's API timeout (a minute); this one answers in seconds either way.
 */
@HealthGroup(KafkaHealthCheck.GROUP)
@ApplicationScoped
public class KafkaHealthCheck implements HealthCheck {
    public static final String GROUP = "kafka";
    private static final String NAME = "Kafka connection";

    private final Map<String, Object> kafkaConfig;
    private final Duration timeout;
    private final AtomicInteger up = new AtomicInteger();
    private final MeterRegistry metrics;
    private final Gauge gauge;
    private Admin admin;

    public KafkaHealthCheck(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            @ConfigProperty(name = "relink.health.kafka-timeout", defaultValue = "3s") Duration timeout, MeterRegistry metrics) {
        this.kafkaConfig = kafkaConfig;
        this.timeout = timeout;
        this.metrics = metrics;
        this.gauge = Gauge.builder("relink.kafka.up", up, AtomicInteger::get).description("1 while a Kafka broker answered the last check, else 0")
                .register(metrics);
    }

    @Scheduled(every = "${relink.health.kafka-interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshGauge() {
        call();
    }

    @Override
    public HealthCheckResponse call() {
        try {
            int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).size();
            up.set(1);
            return HealthCheckResponse.named(NAME).up().withData("nodes", nodes).build();
        } catch (ExecutionException e) {
            up.set(0);
            // An authentication or authorization failure says so; anything else is "no answer".
            String reason = e.getCause() instanceof AuthenticationException || e.getCause() instanceof AuthorizationException
                    ? e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage()
                    : "no broker answered within " + timeout.toMillis() + " ms";
            return HealthCheckResponse.named(NAME).down().withData("reason", reason).build();
        } catch (TimeoutException e) {
            up.set(0);
            return HealthCheckResponse.named(NAME).down().withData("reason", "no broker answered within " + timeout.toMillis() + " ms").build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResponse.named(NAME).down().build();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            // The service's own Kafka settings (bootstrap servers, security) that an admin client takes.
            Map<String, Object> config = new HashMap<>();
            kafkaConfig.forEach((key, value) -> {
                if (AdminClientConfig.configNames().contains(key)) {
                    config.put(key, value);
                }
            });
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "relink-health");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            admin = Admin.create(config);
        }
        return admin;
    }

    /** Also unregisters the gauge: a registry that outlives this bean (tests restart the application) would keep a dead one. */
    @PreDestroy
    synchronized void close() {
        metrics.remove(gauge);
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
