package io.relink.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import io.relink.devstack.PostgresServer.Database;

class PostgresServerTest {
    private final PostgresServer server = PostgresServer.fromSettings();

    @Test
    void temporaryDatabaseIsFreshUsableAndDroppedOnClose() throws SQLException {
        String name;
        try (Database first = server.createTemporary("relink_devstack"); Database second = server.createTemporary("relink_devstack")) {
            name = first.name();
            assertNotEquals(first.name(), second.name(), "every test run gets its own database");
            try (Connection c = first.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE probe (id int primary key)");
                s.execute("INSERT INTO probe VALUES (1)");
            }
            try (Connection c = second.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'probe'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "databases do not share tables");
            }
            assertTrue(exists(name));
        }
        assertFalse(exists(name), "closing drops the database");
    }

    @Test
    void refusesNamesThatCouldReachOtherDatabases() {
        assertThrows(IllegalArgumentException.class, () -> server.createIfMissing("postgres; DROP DATABASE test"));
        assertThrows(IllegalArgumentException.class, () -> server.createIfMissing("Test"));
    }

    @Test
    void unreachableServerGetsAMessageThatSaysWhatToDo() {
        PostgresServer nowhere = new PostgresServer("127.0.0.1", KafkaBroker.freePort(), "postgres", "");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> nowhere.createTemporary("relink_devstack"));
        assertTrue(e.getMessage().contains("PGHOST"), e.getMessage());
    }

    private boolean exists(String name) throws SQLException {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            return rs.next();
        }
    }
}
