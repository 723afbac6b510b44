package dev.mesh.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * A clustered Vert.x like a mesh node: Hazelcast on 127.0.0.1, TCP-IP join over 20 ports from the
 * given one, multicast off. Built in code (the mesh's cluster.xml lives in its own jars).
 */
final class Clustered {

  private Clustered() {
  }

  static Future<Vertx> join(String clusterName, int port) {
    // the transport the mesh's nodes take (mesh-common MeshNode: MESH_NATIVE_TRANSPORT, false unless set)
    VertxOptions options = new VertxOptions()
        .setPreferNativeTransport(Boolean.parseBoolean(System.getenv().getOrDefault("MESH_NATIVE_TRANSPORT", "false")));
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast(clusterName, port)))
        .buildClustered();
  }

  static Config hazelcast(String clusterName, int port) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.tcp.join.port.try.count", "20");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    // what vertx-hazelcast expects, as in the mesh's cluster.xml
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }
}
