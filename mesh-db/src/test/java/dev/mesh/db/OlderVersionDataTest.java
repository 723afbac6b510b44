package dev.mesh.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory made by the version before logins: its server trusted loopback, and the service's
 * data (migrated by Flyway as the superuser) lived in the database {@code postgres}. Made here the way
 * that version made it (zonky's initdb, its settings, its pg.port and pg.bin). Whether its server still
 * runs or was stopped, the new version keeps every row, gives the data to the service's role (which
 * then migrates it further) and asks every connection for a password.
 */
class OlderVersionDataTest {

  private static final String SERVICE = "legacy";

  @TempDir
  Path dataDir;
  private final Vertx vertx = Vertx.vertx();
  private EmbeddedPostgres older;
  private Path pg;

  @BeforeEach
  void makeTheOlderVersionsDataDirectory() throws Exception {
    pg = dataDir.resolve(SERVICE).resolve("pg");
    Files.createDirectories(pg.getParent());
    older = EmbeddedPostgres.builder().setDataDirectory(pg).setCleanDataDirectory(false)
        .setRegisterShutdownHook(false).setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
        .setPGStartupWait(Duration.ofSeconds(60)).start();
    Files.writeString(pg.resolveSibling("pg.port"), Integer.toString(older.getPort()));
    Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(postmasterPid()), "exe"));
    Files.writeString(pg.resolveSibling("pg.bin"), exe.getParent().toString());
    String url = "jdbc:postgresql://127.0.0.1:" + older.getPort() + "/postgres";
    Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/legacy-v1").load().migrate();
    try (Connection trusted = DriverManager.getConnection(url, "postgres", "");
         Statement statement = trusted.createStatement()) {
      statement.execute("INSERT INTO notes (body, mood_then) VALUES ('kept', 'calm'), ('also kept', 'busy')");
      statement.execute("SELECT nextval('ticket_numbers')");
    }
  }

  @AfterEach
  void close() throws Exception {
    older.close(); // releases zonky's lock on the directory; its server is stopped by then
    TestCluster.await(vertx.close());
  }

  @Test
  void aServerStillRunningWithTrustIsAdoptedAndAsksForPasswordsFromThenOn() throws Exception {
    long postmaster = postmasterPid();
    Database db = open();
    try {
      assertEquals(postmaster, postmasterPid(), "the same server, reloaded");
      assertTheDataIsTheRolesAndLoginsNeedPasswords(db);
    } finally {
      TestCluster.await(db.close());
    }
  }

  @Test
  void aStoppedDirectoryIsStartedMovedAndKept() throws Exception {
    older.close();
    Database db = open();
    try {
      assertTheDataIsTheRolesAndLoginsNeedPasswords(db);
    } finally {
      TestCluster.await(db.close());
    }
  }

  @Test
  void anInstanceOfTheOlderVersionStillConnectedHoldsTheMoveBackAndLosesNothing() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + older.getPort() + "/postgres";
    // an instance of the older version: its lease on the server and its session in the database postgres
    Leases.Lease olderLease = new Leases(pg.resolveSibling("pg.leases")).take();
    try (Connection olderInstance = DriverManager.getConnection(url, "postgres", "")) {
      Exception refused = assertThrows(Exception.class, this::open);
      assertTrue(String.valueOf(refused.getMessage()).contains("older version"), refused.toString());
      try (Statement statement = olderInstance.createStatement()) {
        statement.execute("INSERT INTO notes (body) VALUES ('written by the older instance meanwhile')");
      }
    } finally {
      olderLease.release();
    }
    Database db = open(); // once it is gone
    try {
      assertEquals(3L, one(db, "SELECT count(*) FROM notes").getLong(0));
    } finally {
      TestCluster.await(db.close());
    }
  }

  private void assertTheDataIsTheRolesAndLoginsNeedPasswords(Database db) throws Exception {
    assertEquals(List.of("also kept", "kept"), TestCluster.await(db.pool()
        .query("SELECT body FROM note_bodies ORDER BY body").execute()).stream().map(row -> row.getString(0)).toList());
    // V2 ran as the role: it altered a table it now owns
    TestCluster.await(db.pool().query("INSERT INTO notes (body, mood) VALUES ('new', 'busy')").execute());
    assertEquals(3L, one(db, "SELECT note_count()").getLong(0));
    assertEquals(2L, one(db, "SELECT nextval('ticket_numbers')").getLong(0));
    Row where = one(db, "SELECT current_user, current_database(), (SELECT count(*) FROM flyway_schema_history)");
    assertEquals(List.of(SERVICE, SERVICE, 2L), List.of(where.getString(0), where.getString(1), where.getLong(2)));

    int port = EmbeddedLogin.port(dataDir, SERVICE);
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "postgres", "").close());
    EmbeddedLogin superuser = EmbeddedLogin.superuser(dataDir, SERVICE);
    DriverManager.getConnection(url, superuser.user(), superuser.password()).close();
    assertTrue(Files.readAllLines(pg.resolve("pg_hba.conf")).stream()
        .noneMatch(line -> !line.startsWith("#") && line.contains("trust")), "no rule trusts anyone");
  }

  private Database open() {
    return TestCluster.await(Database.open(vertx, MeshConfig.of(new JsonObject()
        .put(Database.DATA_DIR, dataDir.toString()).put(Database.POOL_SIZE, 2)), SERVICE));
  }

  private static Row one(Database db, String sql) {
    RowSet<Row> rows = TestCluster.await(db.pool().query(sql).execute());
    return rows.iterator().next();
  }

  private long postmasterPid() throws Exception {
    return Long.parseLong(Files.readAllLines(pg.resolve("postmaster.pid")).get(0).trim());
  }
}
