package dev.mesh.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server lets no one in without a password, loopback and the local socket included; the
 * service logs in as a role of its own that owns its database and nothing else; the passwords made at
 * first start are kept in files only their owner reads.
 */
class EmbeddedLoginTest {

  private static final String SERVICE = "guarded";
  private static final String INSUFFICIENT_PRIVILEGE = "42501";
  private static final String INVALID_PASSWORD = "28P01";

  @TempDir
  Path dataDir;
  private final Vertx vertx = Vertx.vertx();
  private Database db;
  private int port;

  @BeforeEach
  void open() throws Exception {
    db = TestCluster.await(Database.open(vertx, MeshConfig.of(new JsonObject()
        .put(Database.DATA_DIR, dataDir.toString()).put(Database.POOL_SIZE, 2)), SERVICE));
    port = EmbeddedLogin.port(dataDir, SERVICE);
  }

  @AfterEach
  void close() {
    TestCluster.await(db.close());
    TestCluster.await(vertx.close());
  }

  @Test
  void theSuperuserIsRefusedOnLoopbackWithoutItsPassword() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    SQLException none = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url, "postgres", null).close());
    assertTrue(none.getMessage().contains("password"), none.getMessage());
    SQLException wrong = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url, "postgres", "postgres").close());
    assertEquals(INVALID_PASSWORD, wrong.getSQLState());

    EmbeddedLogin superuser = EmbeddedLogin.superuser(dataDir, SERVICE);
    try (Connection admin = DriverManager.getConnection(superuser.jdbcUrl("127.0.0.1", port), superuser.user(),
        superuser.password())) {
      assertEquals(0, count(admin, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'"),
          "every pg_hba rule asks for a password");
    }
  }

  @Test
  void theLocalSocketAsksForAPasswordToo() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "psql is installed (Debian's postgresql-client)");
    EmbeddedLogin superuser = EmbeddedLogin.superuser(dataDir, SERVICE);
    String socketDir;
    try (Connection admin = DriverManager.getConnection(superuser.jdbcUrl("127.0.0.1", port), superuser.user(),
        superuser.password()); Statement show = admin.createStatement();
         ResultSet rows = show.executeQuery("SHOW unix_socket_directories")) {
      rows.next();
      socketDir = rows.getString(1).split(",")[0].trim();
    }
    assumeTrue(!socketDir.isEmpty(), "the server has a local socket");
    // -w: never prompt; no PGPASSWORD: a login without a password
    ProcessBuilder psql = new ProcessBuilder("/usr/bin/psql", "-w", "-h", socketDir, "-p", Integer.toString(port),
        "-U", "postgres", "-d", "postgres", "-c", "SELECT 1").redirectErrorStream(true);
    psql.environment().remove("PGPASSWORD");
    Process process = psql.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue(), "psql could not connect: " + output);
    assertTrue(output.contains("password"), output);
  }

  @Test
  void theServiceLogsInAsARoleThatOwnsItsDatabaseAndNothingElse() throws Exception {
    Row role = TestCluster.await(db.pool().query("SELECT current_user, current_database(), rolsuper, rolcreatedb,"
        + " rolcreaterole FROM pg_roles WHERE rolname = current_user").execute()).iterator().next();
    assertEquals(List.of(SERVICE, SERVICE, false, false, false),
        List.of(role.getString(0), role.getString(1), role.getBoolean(2), role.getBoolean(3), role.getBoolean(4)));
    TestCluster.await(db.pool().query("CREATE TABLE mine (n int); INSERT INTO mine VALUES (1)").execute());

    EmbeddedLogin login = EmbeddedLogin.service(dataDir, SERVICE);
    try (Connection own = DriverManager.getConnection(login.jdbcUrl("127.0.0.1", port), login.user(),
        login.password())) {
      assertEquals(INSUFFICIENT_PRIVILEGE, refused(own, "CREATE DATABASE another"));
      assertEquals(INSUFFICIENT_PRIVILEGE, refused(own, "CREATE ROLE another"));
    }
    for (String other : List.of("postgres", "template1")) {
      SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
          "jdbc:postgresql://127.0.0.1:" + port + "/" + other, login.user(), login.password()).close());
      assertEquals(INSUFFICIENT_PRIVILEGE, refused.getSQLState(), other + ": " + refused.getMessage());
    }
  }

  @Test
  void thePasswordsAreKeptInFilesOnlyTheirOwnerReads() throws Exception {
    Path serviceDir = dataDir.resolve(SERVICE);
    for (Path file : List.of(serviceDir.resolve("pg.password"), serviceDir.resolve("pg." + SERVICE + ".password"))) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
    }
    assertFalse(EmbeddedLogin.service(dataDir, SERVICE).password()
        .equals(EmbeddedLogin.superuser(dataDir, SERVICE).password()), "two passwords, not one");
  }

  private static String refused(Connection connection, String sql) {
    return assertThrows(SQLException.class, () -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
    }).getSQLState();
  }

  private static int count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
