package dev.mesh.common;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.List;

/** What a node knows of the cluster: its own id and who is a member now. One place for the internal API. */
public final class Cluster {

  private Cluster() {
  }

  public static boolean joined(Vertx vertx) {
    ClusterManager manager = manager(vertx);
    return manager != null && manager.isActive();
  }

  /** This node's id; "local" when Vert.x runs without a cluster (it is then its own only member). */
  public static String nodeId(Vertx vertx) {
    ClusterManager manager = manager(vertx);
    return manager == null ? "local" : manager.getNodeId();
  }

  public static List<String> members(Vertx vertx) {
    ClusterManager manager = manager(vertx);
    return manager == null ? List.of("local") : manager.getNodes();
  }

  private static ClusterManager manager(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager();
  }
}
