package dev.mesh.db;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * The embedded server's {@code postgres} superuser, as the server's own management logs in: to make the
 * service's role and database and to reload pg_hba. Never lent to a service's pool.
 */
final class Superuser {

  private static final String INVALID_PASSWORD = "28P01";

  private final String host;
  private final int port;
  private final String password;

  Superuser(String host, int port, String password) {
    this.host = host;
    this.port = port;
    this.password = password;
  }

  Connection connect(String database) throws IOException {
    try {
      return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database,
          EmbeddedLogin.SUPERUSER, password);
    } catch (SQLException e) {
      if (INVALID_PASSWORD.equals(e.getSQLState())) {
        throw new IOException("the PostgreSQL on " + host + ":" + port + " refuses the postgres superuser's"
            + " password: give every instance the MESH_PG_PASSWORD it was first started with, or none to use"
            + " pg.password beside its data", e);
      }
      throw new IOException("cannot log in to the PostgreSQL on " + host + ":" + port + " to manage it", e);
    }
  }

  /**
   * Sets a role's password. The driver hashes it (SCRAM) before it leaves: the server, its logs and
   * pg_stat_activity never see the password itself.
   */
  static void setPassword(Connection admin, String role, String password) throws SQLException {
    admin.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), HbaFile.METHOD);
  }

  /** Makes the server read pg_hba.conf again; later connections meet the new rules. */
  static void reload(Connection admin) throws SQLException {
    try (Statement statement = admin.createStatement()) {
      statement.execute("SELECT pg_reload_conf()");
    }
  }
}
