package io.relink.devstack;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server that tests and local runs use (by default 127.0.0.1:5432, user postgres, as on our
 * machines), set through the usual {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD} variables
 * or the {@code relink.devstack.pg.*} properties. It only creates and drops databases of its own.
 */
public final class PostgresServer {
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String host;
    private final int port;
    private final String user;
    private final String password;

    public PostgresServer(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    public static PostgresServer fromSettings() {
        return new PostgresServer(
                setting("host", "PGHOST", "127.0.0.1"),
                Integer.parseInt(setting("port", "PGPORT", "5432")),
                setting("user", "PGUSER", "postgres"),
                setting("password", "PGPASSWORD", ""));
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Creates a fresh database named {@code prefix_<random>}; closing it drops it. */
    public Database createTemporary(String prefix) {
        String name = prefix.toLowerCase(Locale.ROOT) + "_" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        return create(name, true);
    }

    /** Creates the database unless it exists; closing it leaves it in place. Used by local runs. */
    public Database createIfMissing(String name) {
        return create(name, false);
    }

    private Database create(String name, boolean dropOnClose) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a safe database name: " + name);
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            boolean exists;
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                s.execute("CREATE DATABASE " + name);
            } else if (dropOnClose) {
                throw new IllegalStateException("database " + name + " exists already; refusing to reuse it");
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
        return new Database(this, name, dropOnClose);
    }

    void drop(String name) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.put("user", user);
        if (!password.isEmpty()) {
            props.put("password", password);
        }
        props.put("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    private IllegalStateException unreachable(SQLException e) {
        return new IllegalStateException("PostgreSQL is not usable at " + host + ":" + port + " as user '" + user
                + "' (" + e.getMessage() + "). Start the server (on our machines: pg_ctlcluster "
                + "--skip-systemctl-redirect <version> main start) or point PGHOST/PGPORT/PGUSER/PGPASSWORD at one.", e);
    }

    private static String setting(String name, String envName, String defaultValue) {
        String value = System.getProperty("relink.devstack.pg." + name);
        if (value == null) {
            value = System.getenv(envName);
        }
        return value == null || value.isBlank() ? defaultValue : value;
    }

    /** One database on the server. */
    public static final class Database implements AutoCloseable {
        private final PostgresServer server;
        private final String name;
        private final boolean dropOnClose;

        private Database(PostgresServer server, String name, boolean dropOnClose) {
            this.server = server;
            this.name = name;
            this.dropOnClose = dropOnClose;
        }

        public String name() {
            return name;
        }

        public String jdbcUrl() {
            return server.jdbcUrl(name);
        }

        public String user() {
            return server.user();
        }

        public String password() {
            return server.password();
        }

        public Connection connect() throws SQLException {
            return server.connect(name);
        }

        @Override
        public void close() {
            if (dropOnClose) {
                server.drop(name);
            }
        }
    }
}
