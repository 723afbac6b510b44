package dev.mesh.common;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.Arrays;

/**
 * The Hazelcast config of a mesh node: {@code cluster.xml} from the classpath with the
 * environment's overrides applied. Multicast stays off whatever the environment says.
 */
public final class ClusterConfig {

  public static final String HOST = "MESH_CLUSTER_HOST";
  public static final String PORT = "MESH_CLUSTER_PORT";
  public static final String MEMBERS = "MESH_CLUSTER_MEMBERS";
  public static final String NAME = "MESH_CLUSTER_NAME";

  private ClusterConfig() {
  }

  public static Config load(MeshConfig settings) {
    Config config = ConfigUtil.loadConfig();
    String host = settings.get(HOST, "127.0.0.1");
    int port = settings.getInt(PORT, 5701);
    // a member without a port is tried on the 20 ports from this node's own port up (cluster.xml)
    String members = settings.get(MEMBERS, host);

    config.setClusterName(settings.get(NAME, config.getClusterName()));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).clear().addInterface(host);
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    TcpIpConfig tcpIp = network.getJoin().getTcpIpConfig().setEnabled(true).clear();
    Arrays.stream(members.split(",")).map(String::trim).filter(m -> !m.isEmpty()).forEach(tcpIp::addMember);
    return config;
  }
}
