package dev.mesh.db;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's own login on its embedded server: a role named after the service that may log in and
 * nothing more (not a superuser, cannot create roles or databases), owning the database of the same
 * name, where its migrations run and its pool connects. Every instance makes sure of it under
 * {@code pg.lock}; each step looks before it acts, so doing it again changes nothing.
 *
 * <p>Servers made by an older version kept the service's data in the database {@code postgres}, owned
 * by the superuser. That database is renamed to the service's and handed over (ALTER DATABASE ...
 * RENAME touches the catalog only: no row is copied or moved), and an empty {@code postgres} takes its
 * place for the superuser.
 */
final class ServiceAccount {

  private static final Logger log = LoggerFactory.getLogger(ServiceAccount.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final String IN_USE = "55006";
  private static final String ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

  private final Superuser superuser;
  private final String role;

  ServiceAccount(Superuser superuser, String service) {
    if (!NAME.matcher(service).matches() || service.equals(EmbeddedLogin.SUPERUSER) || service.startsWith("pg_")) {
      throw new IllegalArgumentException("a service with an embedded database needs a plain lower-case name"
          + " for its role and database, not " + service);
    }
    this.superuser = superuser;
    this.role = service;
  }

  /** The role with {@code password} and only its attributes, owning its database; {@code admin} on template1. */
  void ensure(Connection admin, String password) throws IOException, SQLException {
    ensureRole(admin, password);
    if (!databaseExists(admin, role)) {
      if (holdsData(EmbeddedLogin.SUPERUSER)) {
        renameOlderVersionsDatabase(admin);
      } else {
        execute(admin, "CREATE DATABASE " + quote(role) + " OWNER " + quote(role));
        log.info("made the database {}, owned by the role of the same name", role);
      }
    }
    if (!databaseExists(admin, EmbeddedLogin.SUPERUSER)) {
      execute(admin, "CREATE DATABASE " + EmbeddedLogin.SUPERUSER); // the superuser's own, empty, as initdb makes it
    }
    if (!ownsItsDatabase(admin)) {
      handOver(admin); // a renamed database, or a hand-over a crash interrupted
    }
    // by default every role may connect to every database: the service's role only to its own
    execute(admin, "REVOKE CONNECT, TEMPORARY ON DATABASE " + EmbeddedLogin.SUPERUSER + ", template1, " + quote(role)
        + " FROM PUBLIC");
  }

  // ALTER even when it exists: the attributes are the ones above whatever happened to it since
  private void ensureRole(Connection admin, String password) throws SQLException {
    boolean exists = exists(admin, "SELECT count(*) FROM pg_roles WHERE rolname = ?", role);
    execute(admin, (exists ? "ALTER ROLE " : "CREATE ROLE ") + quote(role) + " " + ATTRIBUTES);
    Superuser.setPassword(admin, role, password);
  }

  private void renameOlderVersionsDatabase(Connection admin) throws IOException, SQLException {
    try {
      execute(admin, "ALTER DATABASE " + EmbeddedLogin.SUPERUSER + " RENAME TO " + quote(role));
    } catch (SQLException e) {
      // PostgreSQL waits 5 s for the sessions in the database to end (our own look into it among them);
      // an instance of the older version holds one for good, and logs in without a password: it must stop
      if (IN_USE.equals(e.getSQLState())) {
        throw new IOException("sessions still use the " + role + " data in the database postgres (instances"
            + " of an older version?): stop them, then start this one again to move the data to the database "
            + role, e);
      }
      throw e;
    }
    log.info("the {} data made by an older version (database postgres) is now the database {}", role, role);
  }

  /** Gives the role what is in its database (tables, sequences, views, routines, types, schemas), then the database. */
  private void handOver(Connection admin) throws IOException, SQLException {
    try (Connection database = superuser.connect(role)) {
      database.setAutoCommit(false);
      try (Statement statement = database.createStatement()) {
        statement.execute(HandOverSql.handOverTo(role));
      }
      database.commit();
    }
    execute(admin, "ALTER DATABASE " + quote(role) + " OWNER TO " + quote(role)); // last: says the hand-over is done
    log.info("the role {} owns its database and everything in it", role);
  }

  private boolean ownsItsDatabase(Connection admin) throws SQLException {
    return exists(admin, "SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba"
        + " WHERE d.datname = ? AND r.rolname = d.datname", role);
  }

  private boolean holdsData(String database) throws IOException, SQLException {
    try (Connection connection = superuser.connect(database);
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(HandOverSql.ANY_USER_RELATION)) {
      return rows.next() && rows.getBoolean(1);
    }
  }

  private static boolean databaseExists(Connection admin, String name) throws SQLException {
    return exists(admin, "SELECT count(*) FROM pg_database WHERE datname = ?", name);
  }

  /** Whether a {@code SELECT count(*)} with one parameter counts any. */
  private static boolean exists(Connection admin, String countQuery, String name) throws SQLException {
    try (PreparedStatement statement = admin.prepareStatement(countQuery)) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() && rows.getInt(1) > 0;
      }
    }
  }

  private static void execute(Connection admin, String sql) throws SQLException {
    try (Statement statement = admin.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier + '"'; // NAME allows no quote to escape
  }
}
