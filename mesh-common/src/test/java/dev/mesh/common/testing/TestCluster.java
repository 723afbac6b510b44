package dev.mesh.common.testing;

import dev.mesh.common.ClusterConfig;
import dev.mesh.common.LocalKeys;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshNode;
import dev.mesh.common.identity.IdentityKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real clustered nodes for tests: Hazelcast on 127.0.0.1 with TCP-IP join, under a cluster name of
 * their own so that a test never joins a mesh a developer runs beside it, nor another test's cluster.
 */
public final class TestCluster {

  /** The gateway's setting GATEWAY_JWT_KEY_DIR. */
  public static final String KEY_DIR = "GATEWAY_JWT_KEY_DIR";
  /** The gateway's setting BRIDGE_SECRET: each test cluster has its own, as every mesh does. */
  public static final String BRIDGE_SECRET = "BRIDGE_SECRET";

  private final JsonObject settings;
  private Tokens tokens;

  private TestCluster(JsonObject settings) {
    this.settings = settings;
  }

  public static TestCluster create() {
    String name = "test-" + UUID.randomUUID();
    // the gateway's token signing key: one per cluster, never under the working tree
    Path keyDir = Path.of(System.getProperty("java.io.tmpdir"), "mesh-keys-" + name);
    // whichever gateway makes the key, in this JVM or a child process, the test's JVM removes it on exit
    // (the file first: deleteOnExit runs in the reverse order of registration)
    keyDir.toFile().deleteOnExit();
    keyDir.resolve(LocalKeys.PRIVATE_FILE).toFile().deleteOnExit();
    // the key every JVM of this cluster signs the identity on its messages with, made by the first to start
    Path identityKey = Path.of(System.getProperty("java.io.tmpdir"), "mesh-identity-" + name + ".key");
    identityKey.toFile().deleteOnExit();
    return new TestCluster(new JsonObject()
        .put(ClusterConfig.NAME, name)
        .put(ClusterConfig.HOST, "127.0.0.1")
        .put(ClusterConfig.PORT, basePort())
        .put(KEY_DIR, keyDir.toString())
        .put(IdentityKeys.KEY_FILE, identityKey.toString())
        .put(BRIDGE_SECRET, "bridge-" + UUID.randomUUID()));
  }

  /**
   * Tokens signed with the key the gateways of this cluster verify with (made here if no gateway made
   * it yet): {@code cluster.tokens().admin()}, {@code cluster.tokens().mint("user-id")}.
   */
  public synchronized Tokens tokens() {
    if (tokens == null) {
      Path dir = Path.of(settings.getString(KEY_DIR));
      tokens = Tokens.ofKeyDir(dir);
    }
    return tokens;
  }

  /**
   * A Hazelcast base port of this cluster's own (its members take the next ones up): clusters of test
   * runs that overlap on one machine then never compete for the same ports. Below the ephemeral range.
   */
  private static int basePort() {
    return 10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000) * 20;
  }

  /** The settings every node and child process of this cluster shares (names are env var names). */
  public JsonObject settings() {
    return settings.copy();
  }

  /** The bridge's bootstrap secret for this cluster's gateways, as the header {@code Authorization} carries it. */
  public String bridgeAuthorization() {
    return "Bearer " + settings.getString(BRIDGE_SECRET);
  }

  public Vertx join() {
    return await(MeshNode.clustered(MeshConfig.of(settings)));
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A port for a server a test starts (a gateway, a health port), free when asked. It comes from below
   * the kernel's ephemeral range (32768 up), where outgoing connections take their ports: a port from
   * there can be taken between this call and the server's bind (seen: a health port lost to a Hazelcast
   * connection). Never the same port twice in one JVM, and never one of the clusters' base ranges.
   */
  public static synchronized int freePort() {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = 30_100 + java.util.concurrent.ThreadLocalRandom.current().nextInt(2_600);
      if (handedOut.add(port) && canBind(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port between 30100 and 32700");
  }

  private static final java.util.Set<Integer> handedOut = new java.util.HashSet<>();

  private static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
