package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four fat jars as four JVMs: ready, routed, and honest about a service killed with -9. The mesh
 * starts once; a test that stops a service leaves it to the next test's {@link #wholeMesh} to restart.
 */
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

  @BeforeEach
  void wholeMesh() throws Exception {
    List<String> restarted = mesh.restartStopped();
    if (!restarted.isEmpty()) {
      log.info("restarted {} for the next test", restarted);
      mesh.awaitReady(Duration.ofSeconds(120));
    }
  }

  @Test
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
  void aKilledServiceLeavesTheRegistryAndIsAnswered503AtOnce() throws Exception {
    JsonObject ready = killInventory();
    assertEquals("DOWN", ready.getString("status"));

    // answered, not left to time out: the client gives it 1 s
    HttpResponse<String> info = mesh.get("/api/inventory/info", Duration.ofSeconds(1));
    assertEquals(503, info.statusCode());
    JsonObject error = new JsonObject(info.body());
    assertEquals("unavailable", error.getString("error"));
    assertEquals(503, error.getInteger("status"));
  }

  @Test
  void aRestartedServiceComesBackOnItsData() throws Exception {
    String sku = "KEPT-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = mesh.post("/api/inventory/products", new JsonObject()
        .put("sku", sku).put("name", "Kept lamp").put("priceCents", 900).put("available", 4));
    assertEquals(201, created.statusCode(), created.body());
    killInventory();

    // its PostgreSQL survived the kill -9; the new JVM stops that orphan and starts on the same data
    mesh.start("inventory-verticle");
    JsonObject ready = mesh.awaitReady(Duration.ofSeconds(120));
    assertEquals(1, ready.getJsonObject("services").getJsonObject("inventory").getInteger("instances"));
    assertEquals(200, mesh.get("/api/inventory/info", Duration.ofSeconds(5)).statusCode());
    HttpResponse<String> kept = mesh.get("/api/inventory/products/" + sku, Duration.ofSeconds(5));
    assertEquals(200, kept.statusCode(), kept.body());
    assertEquals(4, new JsonObject(kept.body()).getInteger("available"));
  }

  @Test
  void sigtermUnpublishesAndLeavesCleanly() throws Exception {
    Process users = mesh.process("user-verticle");
    users.destroy(); // SIGTERM
    assertTrue(users.waitFor(30, TimeUnit.SECONDS), "the JVM exits on SIGTERM");
    JsonObject ready = new JsonObject(mesh.get("/ready", Duration.ofSeconds(2)).body());
    assertEquals(0, ready.getJsonObject("services").getJsonObject("users").getInteger("instances"),
        "a stopped service has unpublished itself before exiting: " + ready.encode());
    assertEquals(3, ready.getJsonObject("cluster").getInteger("members"));
  }

  /** SIGKILL to inventory (no goodbye, no unpublish); /ready once its record is gone (within 5 s). */
  private static JsonObject killInventory() throws Exception {
    long killedAt = System.nanoTime();
    Process inventory = mesh.process("inventory-verticle");
    inventory.destroyForcibly();
    assertTrue(inventory.waitFor(10, TimeUnit.SECONDS), "a killed JVM exits");
    JsonObject ready = Eventually.await(Duration.ofSeconds(5), "no inventory instance in /ready after kill -9",
        () -> new JsonObject(mesh.get("/ready", Duration.ofSeconds(2)).body()),
        r -> r.getJsonObject("services").getJsonObject("inventory").getInteger("instances") == 0);
    log.info("inventory record gone {} ms after kill -9", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    return ready;
  }
}
