package dev.mesh.common;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Hazelcast config of a mesh node: {@code cluster.xml} from the classpath with the settings
 * applied on top. Nodes find each other by TCP-IP (the default: a member list) or by Hazelcast's
 * built-in Kubernetes discovery (a DNS lookup of a headless service). Multicast and auto-detection
 * stay off whatever the environment says: neither may send a packet anywhere we did not name.
 */
public final class ClusterConfig {

  public static final String HOST = "MESH_CLUSTER_HOST";
  public static final String PUBLIC_HOST = "MESH_CLUSTER_PUBLIC_HOST";
  public static final String PORT = "MESH_CLUSTER_PORT";
  public static final String PORT_COUNT = "MESH_CLUSTER_PORT_COUNT";
  public static final String MEMBERS = "MESH_CLUSTER_MEMBERS";
  public static final String NAME = "MESH_CLUSTER_NAME";
  public static final String JOIN = "MESH_CLUSTER_JOIN";
  public static final String K8S_SERVICE_DNS = "MESH_K8S_SERVICE_DNS";
  public static final String EVENTBUS_PORT = "MESH_EVENTBUS_PORT";

  /** How a node finds the others. */
  public enum Join {
    TCP_IP, KUBERNETES;

    static Join parse(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "tcp-ip", "tcpip", "tcp" -> TCP_IP;
        case "kubernetes", "k8s" -> KUBERNETES;
        default -> throw new IllegalArgumentException(JOIN + " must be tcp-ip or kubernetes, got '" + value + "'");
      };
    }
  }

  private ClusterConfig() {
  }

  /** The interface this node binds Hazelcast and the event bus to. */
  public static String host(MeshConfig settings) {
    return settings.get(HOST, "127.0.0.1");
  }

  /** The address other nodes reach this one at: the bound one unless a NAT or a container says otherwise. */
  public static String publicHost(MeshConfig settings) {
    return settings.get(PUBLIC_HOST, host(settings));
  }

  public static Config load(MeshConfig settings) {
    return apply(ConfigUtil.loadConfig(), settings);
  }

  /** {@code base} (a parsed cluster.xml) with the settings applied. */
  static Config apply(Config config, MeshConfig settings) {
    String host = host(settings);
    int port = settings.getInt(PORT, 5701);
    // how many ports from MESH_CLUSTER_PORT a node may take, and are tried on a member given without one.
    // Keep it at the most JVMs a host runs: while a split lasts, each port that nobody listens on costs
    // the split-brain search up to 5 s per round, so 20 of them delay a merge by minutes.
    int portCount = settings.getInt(PORT_COUNT, 20);

    config.setClusterName(settings.get(NAME, config.getClusterName()));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(portCount);
    config.setProperty("hazelcast.tcp.join.port.try.count", Integer.toString(portCount));
    network.getInterfaces().setEnabled(true).clear().addInterface(host);
    // no port: Hazelcast announces the port it bound, wherever auto-increment put it
    network.setPublicAddress(publicHost(settings));

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getAwsConfig().setEnabled(false);
    join.getGcpConfig().setEnabled(false);
    join.getAzureConfig().setEnabled(false);
    join.getEurekaConfig().setEnabled(false);
    TcpIpConfig tcpIp = join.getTcpIpConfig().clear();
    switch (Join.parse(settings.get(JOIN, "tcp-ip"))) {
      case TCP_IP -> {
        tcpIp.setEnabled(true);
        join.getKubernetesConfig().setEnabled(false);
        // a member without a port is tried on the MESH_CLUSTER_PORT_COUNT ports from this node's own port up
        Arrays.stream(settings.get(MEMBERS, host).split(",")).map(String::trim).filter(m -> !m.isEmpty())
            .forEach(tcpIp::addMember);
      }
      case KUBERNETES -> {
        tcpIp.setEnabled(false);
        String dns = settings.get(K8S_SERVICE_DNS, null);
        if (dns == null) {
          throw new IllegalArgumentException(JOIN + "=kubernetes needs " + K8S_SERVICE_DNS
              + " (the headless service's DNS name, e.g. mesh-cluster.mesh.svc.cluster.local)");
        }
        // DNS lookup mode: no Kubernetes API access (no service account rights) is needed
        join.getKubernetesConfig().setEnabled(true)
            .setProperty("service-dns", dns)
            .setProperty("service-dns-timeout", "5")
            .setProperty("service-port", Integer.toString(port));
      }
    }
    return config;
  }
}
