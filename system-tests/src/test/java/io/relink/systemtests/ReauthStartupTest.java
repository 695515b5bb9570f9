package io.relink.systemtests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.relink.devstack.KafkaBroker;
import io.relink.devstack.PostgresServer;
import io.relink.devstack.ServiceProcess;

/** What an operator sees when native mode is switched on without the Azure app: no start, and which settings are missing. */
class ReauthStartupTest {
    @Test
    void nativeModeWithoutTheAzureAppDoesNotStartAndNamesWhatIsMissing() throws Exception {
        Path log = Files.createTempFile("relink-reauth-startup-", ".log");
        try (PostgresServer.Database db = PostgresServer.fromSettings().createTemporary("relink_startup")) {
            // The local run's settings (its profile), with native mode on and only the secret of the Azure app given.
            ServiceProcess reauth = ServiceProcess.of("reauth-service", KafkaBroker.freePort(), List.of(), Map.of("quarkus.profile", "dev",
                    "quarkus.datasource.jdbc.url", db.jdbcUrl(), "quarkus.datasource.username", db.user(),
                    "quarkus.datasource.password", db.password(), "relink.reauth.mode", "native",
                    "relink.microsoft.client-secret", "azure-secret-that-must-not-be-logged"), log);
            try {
                IllegalStateException failed = assertThrows(IllegalStateException.class, () -> reauth.launch().awaitReady(Duration.ofSeconds(120)));
                assertTrue(failed.getMessage().contains("exited during start-up"), failed.getMessage());
            } finally {
                reauth.close();
            }
            String output = Files.readString(log);
            assertTrue(output.contains("relink.reauth.mode=native cannot start: relink.microsoft.client-id (RELINK_MICROSOFT_CLIENT_ID) is not set"),
                    output);
            assertFalse(output.contains("relink.microsoft.client-secret (RELINK_MICROSOFT_CLIENT_SECRET) is not set"), "it is set: " + output);
            assertFalse(output.contains("azure-secret-that-must-not-be-logged"), "the secret is in the output");
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
