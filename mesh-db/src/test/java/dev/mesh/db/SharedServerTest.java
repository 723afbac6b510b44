package dev.mesh.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server belongs to the service: instances (here two Database handles, as two instances
 * would open them) share it, the first leaving never stops it for the other, the last does, and a
 * server killed with -9 is started again on its data and port.
 */
class SharedServerTest {

  @TempDir
  Path dataDir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    TestCluster.await(vertx.close());
  }

  @Test
  void instancesShareOneServerAndOnlyTheLastOneLeavingStopsIt() throws Exception {
    Database first = TestCluster.await(Database.open(vertx, settings(), "shared"));
    long postmaster = postmasterPid();
    Database second = TestCluster.await(Database.open(vertx, settings(), "shared"));
    assertEquals(postmaster, postmasterPid(), "the second instance adopted the running server");

    TestCluster.await(first.pool().query("CREATE TABLE kept (n int)").execute());
    TestCluster.await(first.close());
    assertTrue(alive(postmaster), "the first leaving keeps the server its peer uses");
    TestCluster.await(second.pool().query("INSERT INTO kept VALUES (1)").execute());

    TestCluster.await(second.close());
    assertFalse(alive(postmaster), "the last leaving stops it");
    assertFalse(Files.exists(pg().resolve("postmaster.pid")));
  }

  @Test
  void aServerKilledWithMinus9IsStartedAgainOnItsDataAndPort() throws Exception {
    Database db = TestCluster.await(Database.open(vertx, settings(), "shared"));
    TestCluster.await(db.pool().query("CREATE TABLE survivors (n int); INSERT INTO survivors VALUES (42)").execute());
    long postmaster = postmasterPid();
    List<String> before = Files.readAllLines(pg().resolve("postmaster.pid"));

    ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
    Eventually.await(Duration.ofSeconds(5), "the check notices", () -> TestCluster.await(
        db.check().map(true).recover(down -> io.vertx.core.Future.succeededFuture(false))) == Boolean.FALSE);
    Eventually.await(Duration.ofSeconds(60), "the check passes again", () -> TestCluster.await(
        db.check().map(true).recover(down -> io.vertx.core.Future.succeededFuture(false))));

    assertNotEquals(postmaster, postmasterPid(), "a new server");
    assertEquals(before.get(3), Files.readAllLines(pg().resolve("postmaster.pid")).get(3), "on the same port");
    assertEquals(42, TestCluster.await(db.pool().query("SELECT n FROM survivors").execute()).iterator().next()
        .getInteger(0), "on the same data");
    TestCluster.await(db.close());
  }

  @Test
  void aDatabaseStartedEarlyIsTheOneOpenUsesAndItsLeaseIsReleasedOnClose() throws Exception {
    // what a service's main does before its node joins the cluster
    Database.startEarly(settings(), "shared");
    Database db = TestCluster.await(Database.open(vertx, settings(), "shared"));
    long postmaster = postmasterPid();
    TestCluster.await(db.pool().query("SELECT 1").execute());
    TestCluster.await(db.close());
    assertFalse(alive(postmaster), "one lease, taken early and given back at close: the server stops");
  }

  private MeshConfig settings() {
    return MeshConfig.of(new JsonObject().put(Database.DATA_DIR, dataDir.toString()).put(Database.POOL_SIZE, 2));
  }

  private Path pg() {
    return dataDir.resolve("shared").resolve("pg");
  }

  private long postmasterPid() throws Exception {
    return Long.parseLong(Files.readAllLines(pg().resolve("postmaster.pid")).get(0).trim());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
