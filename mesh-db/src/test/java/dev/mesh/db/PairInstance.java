package dev.mesh.db;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the service {@code pair} in a JVM of its own ({@link TwoInstancesStartTogetherTest}):
 * it opens the database, says so, waits until the other instance has opened it too (so both used the
 * server at once), writes its arrival as the role it logged in as, and leaves. Exit code 0: all went well.
 * Arguments: the data directory, this instance's name, the other's.
 */
final class PairInstance {

  static final String SERVICE = "pair";
  private static final Logger log = LoggerFactory.getLogger(PairInstance.class);

  private PairInstance() {
  }

  public static void main(String[] args) {
    Path dataDir = Path.of(args[0]);
    String me = args[1];
    String other = args[2];
    Vertx vertx = Vertx.vertx();
    int exitCode = 1;
    try {
      Database db = TestCluster.await(Database.open(vertx, MeshConfig.of(new JsonObject()
          .put(Database.DATA_DIR, dataDir.toString()).put(Database.POOL_SIZE, 1)), SERVICE));
      Files.createFile(dataDir.resolve(me + ".open"));
      Eventually.await(Duration.ofSeconds(120), other + " opened the database",
          () -> Files.exists(dataDir.resolve(other + ".open")));
      TestCluster.await(db.pool().preparedQuery("INSERT INTO arrivals VALUES ($1, current_user)")
          .execute(Tuple.of(me)));
      TestCluster.await(db.close());
      exitCode = 0;
    } catch (Throwable e) {
      log.error("instance {} of {} failed", me, SERVICE, e);
    } finally {
      TestCluster.await(vertx.close());
    }
    System.exit(exitCode);
  }
}
