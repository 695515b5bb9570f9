package io.relink.devstack.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.relink.devstack.Devstack;
import io.relink.devstack.InjectDevstack;

/**
 * What every Relink service must show once it boots against the devstack. A service's test extends this,
 * annotated {@code @QuarkusTest @WithTestResource(DevstackResource.class)}.
 */
public abstract class ServiceBootChecks {
    @InjectDevstack
    protected Devstack devstack;

    @Test
    void isLiveAndReadyWithItsDatabaseAndShowsKafkaInItsOwnGroup() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", not(hasItem(containsString("Kafka"))));
        given().get("/q/health/group/kafka").then().statusCode(200).body("checks.name", hasItem(containsString("Kafka")));
    }

    @Test
    void appliesItsMigrationsToItsOwnDatabase() throws SQLException {
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
            rs.next();
            assertTrue(rs.getInt(1) >= 1, "at least the platform's baseline migration ran");
        }
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM outbox_event").close();
            s.executeQuery("SELECT count(*) FROM processed_event").close();
        }
    }

    @Test
    void servesPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("relink_outbox_published_total"))
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void refusesAdminCallsWithoutTheApiKey() {
        given().get("/api/anything").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", equalTo("unauthorized"));
        given().header("Authorization", "Bearer wrong-key").get("/api/anything").then().statusCode(401);
    }

    /**
     * Without Kafka the service stays ready (it serves its own requests; its events wait in the outbox) and live;
     * the kafka group and the gauge say the broker is gone, and that it is back.
     */
    @Test
    void staysReadyWhileKafkaIsUnreachableAndItsKafkaGroupSaysSo() {
        devstack.kafka().stop();
        try {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    given().get("/q/health/group/kafka").then().statusCode(503).body("status", equalTo("DOWN")));
            given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
            given().get("/q/health/live").then().statusCode(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    given().get("/q/metrics").then().body(containsString("relink_kafka_up 0.0")));
        } finally {
            devstack.kafka().start();
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                given().get("/q/health/group/kafka").then().statusCode(200).body("status", equalTo("UP")));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
