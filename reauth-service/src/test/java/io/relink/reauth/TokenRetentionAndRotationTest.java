package io.relink.reauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relink.devstack.Devstack;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectDevstack;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.service.Retention;
import io.relink.reauth.service.TokenCipher;
import jakarta.inject.Inject;

/**
 * A token key rotation as an operator runs it (a new key made active beside the old one, reseal, then the old one can
 * go), and the retention purges: tokens after {@code token-retention}, failure records after
 * {@code failure-retention}, expired states.
 */
@QuarkusTest
@TestProfile(TokenRetentionAndRotationTest.RotatedKeys.class)
@WithTestResource(DevstackResource.class)
class TokenRetentionAndRotationTest {
    static final String NEW_KEY = Base64.getEncoder().encodeToString("rotated-test-token-key-0123456789".substring(0, 32).getBytes());

    /** The test profile's key (id 0, from relink.token.encryption-key) stays; k2 is added and made active. */
    public static class RotatedKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relink.token.keys.k2", NEW_KEY, "relink.token.active-key", "k2");
        }
    }

    @InjectDevstack
    Devstack devstack;

    @Inject
    Retention retention;

    @ConfigProperty(name = "relink.token.encryption-key")
    String oldKey;

    @Test
    void tokensSealedWithTheOldKeyStillOpenAndAResealMovesThemAllToTheNewOne() throws Exception {
        TokenCipher before = new TokenCipher(onlyKey(oldKey));
        String first = "tok-" + UUID.randomUUID();
        String second = "tok-" + UUID.randomUUID();
        insertMigration("rot-1", before.seal("rot-1", first), Instant.now());
        insertMigration("rot-2", before.seal("rot-2", second), Instant.now());

        admin().get("/api/migrations/rot-1/token").then().statusCode(200).body("accessToken", equalTo(first));
        // At least these two: the other test's rows are under the old key too.
        admin().post("/api/migrations/tokens/reseal").then().statusCode(200)
                .body("resealed", greaterThanOrEqualTo(2)).body("activeKey", equalTo("k2")).body("notUnderActiveKey", equalTo(0));
        assertEquals("k2", keyIdOf("rot-1"));
        assertEquals("k2", keyIdOf("rot-2"));
        admin().get("/api/migrations/rot-1/token").then().statusCode(200).body("accessToken", equalTo(first));
        admin().get("/api/migrations/rot-2/token").then().statusCode(200).body("accessToken", equalTo(second));
        admin().post("/api/migrations/tokens/reseal").then().statusCode(200).body("resealed", equalTo(0));
        given().post("/api/migrations/tokens/reseal").then().statusCode(401);
    }

    @Test
    void tokensFailureRecordsAndStatesGoWhenTheirRetentionEnds() throws Exception {
        TokenCipher cipher = new TokenCipher(onlyKey(oldKey));
        insertMigration("ret-old", cipher.seal("ret-old", "tok-old"), Instant.now().minus(Duration.ofDays(31)));
        insertMigration("ret-new", cipher.seal("ret-new", "tok-new"), Instant.now().minus(Duration.ofDays(29)));
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO reauth_failure (id, account_id, reason, occurred_at) VALUES "
                    + "('" + UUID.randomUUID() + "', 'ret-old', 'old failure', now() - interval '91 days'), "
                    + "('" + UUID.randomUUID() + "', 'ret-old', 'recent failure', now() - interval '1 day')");
            s.executeUpdate("INSERT INTO oauth_state (state_hash, cookie_hash, account_id, email, created_at, expires_at) VALUES "
                    + "('expired-state', 'c', 'ret-old', 'a@b.example', now() - interval '1 hour', now() - interval '50 minutes')");
        }

        retention.purge();

        admin().get("/api/migrations/ret-old/token").then().statusCode(410).body("error", equalTo("token_deleted"))
                .body("message", containsString("30 days after the migration (relink.reauth.token-retention)"));
        admin().get("/api/migrations/ret-new/token").then().statusCode(200).body("accessToken", equalTo("tok-new"));
        admin().get("/api/migrations").then().body("find { it.accountId == 'ret-old' }.newAccountId", equalTo("ret-old-new"));
        assertEquals(1, count("SELECT count(*) FROM reauth_failure WHERE account_id = 'ret-old'"), "the recent failure stays");
        assertEquals(0, count("SELECT count(*) FROM oauth_state WHERE state_hash = 'expired-state'"));
        assertEquals(0, count("SELECT count(*) FROM migration WHERE account_id = 'ret-old' AND (token_ciphertext IS NOT NULL OR token_purged_at IS NULL)"));
    }

    private void insertMigration(String accountId, TokenCipher.Sealed token, Instant migratedAt) throws Exception {
        try (Connection c = devstack.database().connect(); PreparedStatement s = c.prepareStatement("INSERT INTO migration (account_id, new_account_id, "
                + "email, provider, token_ciphertext, token_key_id, previous_cancelled, migrated_at) VALUES (?, ?, ?, 'ews', ?, ?, false, ?)")) {
            s.setString(1, accountId);
            s.setString(2, accountId + "-new");
            s.setString(3, accountId + "@contoso.example");
            s.setBytes(4, token.bytes());
            s.setString(5, token.keyId());
            s.setTimestamp(6, Timestamp.from(migratedAt));
            s.executeUpdate();
        }
    }

    private String keyIdOf(String accountId) throws Exception {
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT token_key_id FROM migration WHERE account_id = '" + accountId + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = devstack.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    /** The configuration before the rotation: the old key alone. */
    private static ReauthConfig.Token onlyKey(String key) {
        return new ReauthConfig.Token() {
            public Optional<String> encryptionKey() {
                return Optional.of(key);
            }

            public Map<String, String> keys() {
                return Map.of();
            }

            public Optional<String> activeKey() {
                return Optional.empty();
            }
        };
    }
}
