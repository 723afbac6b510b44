package dev.mesh.common;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
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

  /** The node's Hazelcast, for state every node must agree on (rate limits); null without a Hazelcast cluster. */
  public static HazelcastInstance hazelcast(Vertx vertx) {
    return manager(vertx) instanceof HazelcastClusterManager hazelcast ? hazelcast.getHazelcastInstance() : null;
  }

  private static ClusterManager manager(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager();
  }
}
