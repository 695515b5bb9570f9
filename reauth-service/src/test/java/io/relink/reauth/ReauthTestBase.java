package io.relink.reauth;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.devstack.Devstack;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.InjectSandbox;
import io.relink.devstack.SandboxProcess;
import io.relink.devstack.TopicClient;
import io.relink.events.AccountMigrated;
import io.relink.events.CloudEventHeaders;
import io.relink.events.EventCodec;
import io.relink.events.Topics;
import io.relink.links.LinkTokens;
import jakarta.inject.Inject;

/** What every hand-over test reads: the sandbox's inspection, the events on Kafka, and where secrets must not be. */
abstract class ReauthTestBase {
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectDevstack
    Devstack devstack;

    @InjectSandbox
    SandboxProcess sandbox;

    @Inject
    LinkTokens links;

    static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> sandboxJson(String path) throws Exception {
        return JSON.readValue(sandbox.control("GET", path, null), Map.class);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> requests() throws Exception {
        return (Map<String, Object>) sandboxJson("/sandbox/inspection").get("requests");
    }

    List<AccountMigrated> awaitMigrated(String accountId, int count) {
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            return await().atMost(Duration.ofSeconds(30)).until(() -> client.readFromBeginning(Topics.MIGRATIONS, Integer.MAX_VALUE, Duration.ofSeconds(2))
                    .stream().filter(r -> accountId.equals(r.key()))
                    .map(r -> (AccountMigrated) EventCodec.read(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE), r.value())).toList(),
                    e -> e.size() >= count);
        }
    }

    /** The secret (an access or refresh token) is in no log line, no event, and nowhere in the database in clear. */
    void assertSecretNowhere(String token) throws Exception {
        String log = Files.readString(Path.of("target/reauth-test.log"));
        assertFalse(log.contains(token), "the token is in the log");
        try (TopicClient client = new TopicClient(devstack.kafka().bootstrapServers())) {
            for (String topic : Topics.all()) {
                assertTrue(client.readFromBeginning(topic, Integer.MAX_VALUE, Duration.ofSeconds(1)).stream()
                        .noneMatch(r -> r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains(token)), "the token is on " + topic);
            }
        }
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement();
                // The token is base64url, safe inside a literal: its bytes in any binary column, its text in any row.
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM migration WHERE position(convert_to('" + token + "', 'UTF8') in token_ciphertext) > 0)"
                        + " + (SELECT count(*) FROM outbox_event WHERE position(convert_to('" + token + "', 'UTF8') in payload) > 0)"
                        + " + (SELECT count(*) FROM (SELECT row_to_json(m)::text t FROM migration m UNION ALL SELECT row_to_json(f)::text FROM reauth_failure f"
                        + " UNION ALL SELECT row_to_json(o)::text FROM oauth_state o) x WHERE position('" + token + "' in t) > 0)")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the token is in the database in clear");
        }
    }

    /** The query of a callback whose code is {@code code} and whose state is {@code stateOf}'s: a code carried to another sign-in. */
    static String withCode(SignInFlow.Callback stateOf, SignInFlow.Callback codeOf) {
        return "code=" + URLEncoder.encode(SignInFlow.query(URI.create("?" + codeOf.query())).get("code"), StandardCharsets.UTF_8)
                + "&state=" + URLEncoder.encode(SignInFlow.query(URI.create("?" + stateOf.query())).get("state"), StandardCharsets.UTF_8);
    }

    /** The refresh tokens Microsoft issued to the customer's app (native mode): credentials for Nylas only. */
    @SuppressWarnings("unchecked")
    List<String> microsoftRefreshTokens() throws Exception {
        return (List<String>) sandboxJson("/sandbox/inspection").get("microsoft_refresh_tokens");
    }
}
