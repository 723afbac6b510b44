package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several instances of a service, each its own JVM, on one machine: a gateway and three users instances
 * sharing one embedded PostgreSQL, started once for the class. Tests that kill something start what they
 * kill themselves (inventory instances, an extra users instance, a second gateway) or wait until the
 * mesh has healed, so each runs alone or in any order.
 */
class ScaleOutTest {

  private static final Logger log = LoggerFactory.getLogger(ScaleOutTest.class);
  private static final Duration START = Duration.ofSeconds(240);

  @TempDir
  static Path dataDir;
  private static MeshProcesses mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    JsonObject settings = TestCluster.create().settings().put("GATEWAY_REQUIRED_SERVICES", "users");
    mesh = new MeshProcesses(settings, dataDir, TestCluster.freePort());
    mesh.start("gateway-verticle");
    for (int i = 1; i <= 3; i++) {
      mesh.startInstance("users-" + i, "user-verticle", Map.of());
    }
    awaitUp(mesh.gateway, "users", 3, START);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void readsAreSpreadOverThreeInstances() throws Exception {
    awaitUp(mesh.gateway, "users", 3, START);
    Map<String, Integer> served = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> info = mesh.get("/api/users/info", Duration.ofSeconds(10));
      assertEquals(200, info.statusCode(), info.body());
      served.merge(new JsonObject(info.body()).getString("instance"), 1, Integer::sum);
    }
    log.info("300 reads over three users instances: {}", served.values());
    assertEquals(3, served.size(), "every instance served: " + served);
    served.forEach((instance, count) -> assertTrue(count >= 60 && count <= 150,
        "each instance serves 20-50 % of the reads: " + served));
  }

  @Test
  void twoInventoryJvmsShareOneDatabaseAndAKillOfOneNeverTakesItFromTheOther() throws Exception {
    Process first = mesh.startInstance("inventory-1", "inventory-verticle", Map.of());
    awaitUp(mesh.gateway, "inventory", 1, START);
    long postgres = mesh.postgresPid("inventory");
    Process second = mesh.startInstance("inventory-2", "inventory-verticle", Map.of());
    awaitUp(mesh.gateway, "inventory", 2, START);
    assertEquals(postgres, mesh.postgresPid("inventory"), "the second instance adopted the running server");

    String sku = "SCALE-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = mesh.post("/api/inventory/products",
        new JsonObject().put("sku", sku).put("name", "shared").put("priceCents", 100).put("available", 7));
    assertEquals(201, created.statusCode(), created.body());
    Map<String, Integer> servedBy = new TreeMap<>();
    for (int i = 0; i < 20; i++) {
      servedBy.merge(new JsonObject(mesh.get("/api/inventory/info").body()).getString("instance"), 1, Integer::sum);
    }
    assertEquals(2, servedBy.size(), "both instances serve: " + servedBy);

    long reapedAt;
    try (ReadLoad load = new ReadLoad(mesh.gateway + "/api/inventory/products/" + sku, mesh.operator(), 2)) {
      Eventually.await(Duration.ofSeconds(30), "reads flow", () -> load.outcomes().size() >= 50);
      long killedAt = System.nanoTime();
      first.destroyForcibly(); // SIGKILL: the JVM that started the server dies without a goodbye
      awaitUp(mesh.gateway, "inventory", 1, Duration.ofSeconds(15));
      reapedAt = System.nanoTime();
      Eventually.await(Duration.ofSeconds(60), "reads after the reaping",
          () -> load.startedSince(reapedAt).stream().filter(ReadLoad.Outcome::ok).count() >= 200);
      load.close();
      List<ReadLoad.Outcome> failed = load.failures();
      long failingMs = failed.isEmpty() ? 0
          : TimeUnit.NANOSECONDS.toMillis(failed.get(failed.size() - 1).endedAt() - failed.get(0).startedAt());
      log.info("kill -9 of one of two inventory instances: {} of {} reads failed, over {} ms; record reaped {} ms "
              + "after the kill; failures: {}", failed.size(), load.outcomes().size(), failingMs,
          TimeUnit.NANOSECONDS.toMillis(reapedAt - killedAt), statuses(failed));
      assertEquals(List.of(), statuses(load.startedSince(reapedAt).stream().filter(o -> !o.ok()).toList()),
          "no failed read once the dead instance's record is reaped");
    }
    assertTrue(second.isAlive());
    assertEquals(postgres, mesh.postgresPid("inventory"), "the server the second instance uses was not restarted");
    assertTrue(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false), "its server still runs");

    second.destroy(); // SIGTERM: the last instance leaving stops the server
    assertTrue(second.waitFor(60, TimeUnit.SECONDS));
    Eventually.await(Duration.ofSeconds(30), "the server stops with its last instance",
        () -> ProcessHandle.of(postgres).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void aKilledDatabaseIsNoticedAndHealedWithoutLosingAnAcknowledgedWrite() throws Exception {
    awaitUp(mesh.gateway, "users", 3, START);
    long postgres = mesh.postgresPid("users");
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      acknowledged.add(createUser());
    }
    List<Process> users = List.of(mesh.process("users-1"), mesh.process("users-2"), mesh.process("users-3"));
    try (ReadLoad load = new ReadLoad(mesh.gateway + "/api/users?limit=1", mesh.operator(), 2)) {
      Eventually.await(Duration.ofSeconds(30), "reads flow", () -> load.outcomes().size() >= 50);
      long killedAt = System.nanoTime();
      ProcessHandle.of(postgres).orElseThrow().destroyForcibly(); // SIGKILL of the postmaster

      JsonObject down = Eventually.await(Duration.ofSeconds(10), "/ready shows the instances unable to serve",
          () -> ready(mesh.gateway), r -> r.getJsonObject("services").getJsonObject("users").getInteger("instances") < 3
              && r.getJsonObject("services").getJsonObject("users").getJsonArray("members").stream()
                  .anyMatch(m -> "DOWN".equals(((JsonObject) m).getString("status"))));
      log.info("{} ms after the kill -9 of users' PostgreSQL, /ready says {}",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt), down.getJsonObject("services").getJsonObject("users"));

      // writes while it heals: only those answered 201 count as acknowledged
      long healBound = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (ready(mesh.gateway).getJsonObject("services").getJsonObject("users").getInteger("instances") < 3
          && System.nanoTime() < healBound) {
        String id = tryCreateUser();
        if (id != null) {
          acknowledged.add(id);
        }
      }
      awaitUp(mesh.gateway, "users", 3, Duration.ofSeconds(5));
      log.info("users served again by 3 instances {} ms after the kill -9; {} reads failed meanwhile",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt), load.failures().size());
      long healedAt = System.nanoTime();
      Eventually.await(Duration.ofSeconds(30), "reads after healing",
          () -> load.startedSince(healedAt).stream().filter(ReadLoad.Outcome::ok).count() >= 50);
    }
    users.forEach(p -> assertTrue(p.isAlive(), "healed without a restart of the instances"));
    assertFalse(postgres == mesh.postgresPid("users"), "a new server runs on the same data");
    acknowledged.add(createUser());
    for (String id : acknowledged) {
      HttpResponse<String> user = mesh.get("/api/users/" + id);
      assertEquals(200, user.statusCode(), "acknowledged user " + id + " is kept: " + user.body());
    }
  }

  @Test
  void twoGatewaysBothRouteAndBothReapAKilledInstance() throws Exception {
    awaitUp(mesh.gateway, "users", 3, START);
    int port = TestCluster.freePort();
    String second = "http://127.0.0.1:" + port;
    Process gateway = mesh.startInstance("gateway-2", "gateway-verticle",
        Map.of("GATEWAY_PORT", Integer.toString(port), "BRIDGE_TCP_PORT", "-1"));
    try {
      awaitUp(second, "users", 3, START);
      for (String url : List.of(mesh.gateway, second)) {
        HttpResponse<String> ready = mesh.getAt(url, "/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals(2, new JsonObject(ready.body()).getJsonArray("gateways").size(), "every gateway is listed");
        assertEquals(3, new JsonObject(ready.body()).getJsonObject("services").getJsonObject("users")
            .getJsonArray("members").size(), "every instance is listed");
      }
      assertEquals(200, mesh.get("/api/users/info").statusCode());
      assertEquals(200, mesh.getAt(second, "/api/users/info").statusCode());

      Process extra = mesh.startInstance("users-extra", "user-verticle", Map.of());
      awaitUp(mesh.gateway, "users", 4, START);
      awaitUp(second, "users", 4, Duration.ofSeconds(30));
      extra.destroyForcibly();
      awaitUp(mesh.gateway, "users", 3, Duration.ofSeconds(15));
      awaitUp(second, "users", 3, Duration.ofSeconds(15));
    } finally {
      gateway.destroy();
      gateway.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String createUser() throws Exception {
    String id = tryCreateUser();
    assertTrue(id != null, "a user is created");
    return id;
  }

  private static String tryCreateUser() throws Exception {
    String email = "scale-" + UUID.randomUUID() + "@example.com";
    HttpResponse<String> created = mesh.post("/api/users", new JsonObject().put("email", email).put("name", "Scale"));
    return created.statusCode() == 201 ? new JsonObject(created.body()).getString("id") : null;
  }

  private static List<String> statuses(List<ReadLoad.Outcome> outcomes) {
    return outcomes.stream().map(o -> o.status() + (o.status() == 0 ? " " + o.body() : "")).toList();
  }

  private static JsonObject ready(String gatewayUrl) throws Exception {
    return new JsonObject(mesh.getAt(gatewayUrl, "/ready").body());
  }

  /** Until the gateway at {@code gatewayUrl} routes to exactly {@code instances} instances of {@code service}. */
  private static void awaitUp(String gatewayUrl, String service, int instances, Duration bound) {
    Eventually.await(bound, gatewayUrl + " routes to " + instances + " " + service + " instance(s)",
        () -> ready(gatewayUrl), r -> {
          JsonObject s = r.getJsonObject("services").getJsonObject(service);
          return s != null && s.getInteger("instances") == instances;
        });
  }
}
