package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The four fat jars as four JVMs: ready, routed, and honest about a service killed with -9. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshEndToEndTest {

  private static final Logger log = LoggerFactory.getLogger(MeshEndToEndTest.class);

  @TempDir
  static Path dataDir;
  private static MeshProcesses mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = new MeshProcesses(TestCluster.create().settings(), dataDir, TestCluster.freePort());
    long start = System.nanoTime();
    mesh.startAll();
    mesh.awaitReady(Duration.ofSeconds(180));
    log.info("mesh ready {} ms after start", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  @AfterAll
  static void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  @Order(1)
  void readyReportsFourSeparateNodesAndEveryService() throws Exception {
    JsonObject ready = mesh.awaitReady(Duration.ofSeconds(10));
    assertEquals("UP", ready.getString("status"));
    assertEquals(4, ready.getJsonObject("cluster").getInteger("members"), ready.encode());
    for (String service : new String[] {"users", "inventory", "orders"}) {
      JsonObject state = ready.getJsonObject("services").getJsonObject(service);
      assertEquals(1, state.getInteger("instances"), service);
      assertEquals("CLOSED", state.getString("breaker"), service);
    }
  }

  @Test
  @Order(2)
  void infoAnswersFromEachServiceJvm() throws Exception {
    String gatewayNode = mesh.awaitReady(Duration.ofSeconds(10)).getJsonObject("cluster").getString("node");
    for (String service : new String[] {"users", "inventory", "orders"}) {
      HttpResponse<String> info = mesh.get("/api/" + service + "/info", Duration.ofSeconds(5));
      assertEquals(200, info.statusCode(), info.body());
      JsonObject body = new JsonObject(info.body());
      assertEquals(service, body.getString("service"));
      assertEquals("0.1.0", body.getString("version"));
      assertTrue(!body.getString("node").equals(gatewayNode), "answered by another JVM than the gateway");
    }
  }

  @Test
  @Order(3)
  void aKilledServiceLeavesTheRegistryAndIsAnswered503AtOnce() throws Exception {
    long killedAt = System.nanoTime();
    mesh.process("inventory-verticle").destroyForcibly(); // SIGKILL: no goodbye, no unpublish

    JsonObject ready = null;
    while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(5)) {
      ready = new JsonObject(mesh.get("/ready", Duration.ofSeconds(2)).body());
      if (ready.getJsonObject("services").getJsonObject("inventory").getInteger("instances") == 0) {
        break;
      }
      Thread.sleep(50);
    }
    long goneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    log.info("inventory record gone {} ms after kill -9", goneMs);
    assertEquals(0, ready.getJsonObject("services").getJsonObject("inventory").getInteger("instances"),
        "within 5 s of kill -9 the registry has no inventory instance");
    assertEquals("DOWN", ready.getString("status"));

    // answered, not left to time out: the client gives it 1 s
    HttpResponse<String> info = mesh.get("/api/inventory/info", Duration.ofSeconds(1));
    assertEquals(503, info.statusCode());
    JsonObject error = new JsonObject(info.body());
    assertEquals("unavailable", error.getString("error"));
    assertEquals(503, error.getInteger("status"));
  }

  @Test
  @Order(4)
  void aRestartedServiceComesBackOnItsData() throws Exception {
    // its PostgreSQL survived the kill -9; the new JVM stops that orphan and starts on the same data
    mesh.start("inventory-verticle");
    JsonObject ready = mesh.awaitReady(Duration.ofSeconds(120));
    assertEquals(1, ready.getJsonObject("services").getJsonObject("inventory").getInteger("instances"));
    assertEquals(200, mesh.get("/api/inventory/info", Duration.ofSeconds(5)).statusCode());
  }

  @Test
  @Order(5)
  void sigtermUnpublishesAndLeavesCleanly() throws Exception {
    Process users = mesh.process("user-verticle");
    users.destroy(); // SIGTERM
    assertTrue(users.waitFor(30, TimeUnit.SECONDS), "the JVM exits on SIGTERM");
    JsonObject ready = new JsonObject(mesh.get("/ready", Duration.ofSeconds(2)).body());
    assertEquals(0, ready.getJsonObject("services").getJsonObject("users").getInteger("instances"),
        "a stopped service has unpublished itself before exiting: " + ready.encode());
    assertEquals(3, ready.getJsonObject("cluster").getInteger("members"));
  }
}
