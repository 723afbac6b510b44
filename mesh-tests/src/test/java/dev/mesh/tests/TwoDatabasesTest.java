package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two inventory instances, each on a PostgreSQL server of its own given by URI (servers this test runs,
 * as an operator would run theirs). A kill -9 of one server: within seconds its instance says it cannot
 * serve and stops consuming, so the load moves to the other; when the server is back the instance
 * serves again, without a restart.
 */
class TwoDatabasesTest {

  private static final Logger log = LoggerFactory.getLogger(TwoDatabasesTest.class);

  @TempDir
  Path dir;
  private MeshProcesses mesh;
  private EmbeddedPostgres first;
  private EmbeddedPostgres second;

  @AfterEach
  void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
    for (EmbeddedPostgres server : new EmbeddedPostgres[] {first, second}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void theLoadMovesToTheInstanceWhoseDatabaseLivesAndComesBackWhenTheOtherHeals() throws Exception {
    first = server(dir.resolve("pg-1"), 0);
    second = server(dir.resolve("pg-2"), 0);
    JsonObject settings = TestCluster.create().settings().put("GATEWAY_REQUIRED_SERVICES", "inventory");
    mesh = new MeshProcesses(settings, dir.resolve("data"), TestCluster.freePort());
    mesh.start("gateway-verticle");
    Process one = mesh.startInstance("inventory-1", "inventory-verticle", Map.of("INVENTORY_PG_URI", uri(first)));
    mesh.startInstance("inventory-2", "inventory-verticle", Map.of("INVENTORY_PG_URI", uri(second)));
    awaitServing(2, Duration.ofSeconds(240));
    String firstInstance = instanceOn("inventory-1");

    try (ReadLoad load = new ReadLoad(mesh.gateway + "/api/inventory/products?limit=1", mesh.operator(), 2)) {
      Eventually.await(Duration.ofSeconds(30), "reads flow", () -> load.outcomes().size() >= 50);
      int port = first.getPort();
      long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("pg-1").resolve("postmaster.pid")).get(0).trim());
      long killedAt = System.nanoTime();
      ProcessHandle.of(postmaster).orElseThrow().destroyForcibly(); // SIGKILL of the first server

      JsonObject ready = awaitServing(1, Duration.ofSeconds(10));
      long withdrawnAt = System.nanoTime();
      log.info("{} ms after the kill -9 of its database, /ready says {}",
          TimeUnit.NANOSECONDS.toMillis(withdrawnAt - killedAt), ready.getJsonObject("services").getJsonObject("inventory"));
      assertTrue(ready.getJsonObject("services").getJsonObject("inventory").getJsonArray("members").stream()
          .map(JsonObject.class::cast)
          .anyMatch(m -> firstInstance.equals(m.getString("instance")) && "DOWN".equals(m.getString("status"))),
          "/ready names the instance that cannot serve: " + ready.encode());
      Eventually.await(Duration.ofSeconds(30), "reads after the move",
          () -> load.startedSince(withdrawnAt).stream().filter(ReadLoad.Outcome::ok).count() >= 100);
      long settled = withdrawnAt + TimeUnit.SECONDS.toNanos(1);
      List<Integer> failedAfter = load.startedSince(settled).stream().filter(o -> !o.ok()).map(ReadLoad.Outcome::status)
          .toList();
      log.info("{} of {} reads failed in all; after the withdrawal (+1 s): {}", load.failures().size(),
          load.outcomes().size(), failedAfter);
      assertEquals(List.of(), failedAfter, "the load moved to the other instance");
      // past the moment of the move (requests already on their way may fail in it, as counted above)
      Set<String> answering = infoInstances(20);
      assertEquals(1, answering.size(), "only the instance with a live database answers: " + answering);
      assertTrue(!answering.contains(firstInstance));

      // the operator brings the server back on its data and port: the instance serves again by itself
      first.close();
      first = server(dir.resolve("pg-1"), port);
      awaitServing(2, Duration.ofSeconds(30));
      assertTrue(one.isAlive(), "no restart of the instance");
      Eventually.await(Duration.ofSeconds(30), "both instances answer again", () -> infoInstances(20).size() == 2);
    }
  }

  private static EmbeddedPostgres server(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
  }

  private static String uri(EmbeddedPostgres server) {
    return "postgresql://postgres:postgres@127.0.0.1:" + server.getPort() + "/postgres";
  }

  /** The instance id the JVM under {@code key} logged when it began to serve (the last, logs append). */
  private static String instanceOn(String key) {
    Path log = Path.of("target", "mesh-logs", key + ".log");
    java.util.regex.Pattern serving = java.util.regex.Pattern.compile("inventory instance (\\S+) serving mesh.inventory");
    return Eventually.await(Duration.ofSeconds(10), "the instance id of " + key, () -> {
      java.util.regex.Matcher found = serving.matcher(Files.readString(log));
      String last = null;
      while (found.find()) {
        last = found.group(1);
      }
      return last;
    }, id -> id != null);
  }

  private Set<String> infoInstances(int reads) throws Exception {
    return java.util.stream.IntStream.range(0, reads).mapToObj(i -> {
      try {
        return new JsonObject(mesh.get("/api/inventory/info").body()).getString("instance");
      } catch (Exception e) {
        return "failed: " + e;
      }
    }).collect(Collectors.toSet());
  }

  private JsonObject awaitServing(int instances, Duration bound) {
    return Eventually.await(bound, instances + " inventory instance(s) serving",
        () -> new JsonObject(mesh.get("/ready", Duration.ofSeconds(5)).body()),
        r -> r.getJsonObject("services").getJsonObject("inventory") != null
            && r.getJsonObject("services").getJsonObject("inventory").getInteger("instances") == instances);
  }
}
