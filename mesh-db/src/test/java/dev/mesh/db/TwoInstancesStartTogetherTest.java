package dev.mesh.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of a service, each a JVM of its own, start together on a data directory that does not
 * exist yet: one makes the server, its passwords, the role and the database under pg.lock, the other
 * finds them made; both log in as the service's role.
 */
class TwoInstancesStartTogetherTest {

  @TempDir
  Path dataDir;
  private final Vertx vertx = Vertx.vertx();
  private final Map<String, Process> instances = new TreeMap<>();

  @AfterEach
  void close() {
    instances.values().forEach(Process::destroyForcibly); // only those still running: a failed test's
    TestCluster.await(vertx.close());
  }

  @Test
  void bothStartAndLogInAsTheServicesRole() throws Exception {
    start("first", "second");
    start("second", "first");
    for (Map.Entry<String, Process> instance : instances.entrySet()) {
      Process process = instance.getValue();
      assertTrue(process.waitFor(240, TimeUnit.SECONDS), instance.getKey() + " ended");
      assertEquals(0, process.exitValue(), instance.getKey() + " failed: " + Files.readString(log(instance.getKey())));
    }

    Database db = TestCluster.await(Database.open(vertx, MeshConfig.of(new JsonObject()
        .put(Database.DATA_DIR, dataDir.toString()).put(Database.POOL_SIZE, 1)), PairInstance.SERVICE));
    try {
      List<String> arrivals = TestCluster.await(db.pool().query("SELECT instance || ' as ' || role FROM arrivals"
          + " ORDER BY instance").execute()).stream().map(row -> row.getString(0)).toList();
      assertEquals(List.of("first as pair", "second as pair"), arrivals);
    } finally {
      TestCluster.await(db.close());
    }
  }

  private void start(String me, String other) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        PairInstance.class.getName(), dataDir.toString(), me, other)
        .redirectErrorStream(true).redirectOutput(log(me).toFile()).start();
    instances.put(me, process);
  }

  private Path log(String instance) {
    return dataDir.resolve(instance + ".log");
  }
}
