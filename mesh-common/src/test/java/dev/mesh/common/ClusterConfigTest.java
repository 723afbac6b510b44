package dev.mesh.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast config each node builds from cluster.xml and its settings. */
class ClusterConfigTest {

  @Test
  void theDefaultJoinsByTcpIpOnLoopbackAndNeverMulticasts() {
    Config config = ClusterConfig.load(MeshConfig.of(new JsonObject()));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertEquals(List.of("127.0.0.1"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals("127.0.0.1", config.getNetworkConfig().getPublicAddress());
    assertEquals(5701, config.getNetworkConfig().getPort());
    assertEquals(20, config.getNetworkConfig().getPortCount());
  }

  @Test
  void hostsAndMembersOfARealNetworkAreBoundAndAnnounced() {
    Config config = ClusterConfig.load(MeshConfig.of(new JsonObject()
        .put(ClusterConfig.HOST, "10.213.14.3")
        .put(ClusterConfig.MEMBERS, "10.213.14.1, 10.213.14.2:5801 ,10.213.14.3")
        .put(ClusterConfig.PORT, 5801)
        .put(ClusterConfig.PORT_COUNT, 2)
        .put(ClusterConfig.NAME, "shop")));
    assertEquals(2, config.getNetworkConfig().getPortCount(), "each host runs two JVMs at most");
    assertEquals("2", config.getProperty("hazelcast.tcp.join.port.try.count"));
    assertEquals("shop", config.getClusterName());
    assertEquals(List.of("10.213.14.1", "10.213.14.2:5801", "10.213.14.3"),
        config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals(List.of("10.213.14.3"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals("10.213.14.3", config.getNetworkConfig().getPublicAddress(), "the public address is the bound one");
    assertEquals(5801, config.getNetworkConfig().getPort());
  }

  @Test
  void aPublicHostBehindANatIsAnnouncedInsteadOfTheBoundOne() {
    Config config = ClusterConfig.load(MeshConfig.of(new JsonObject()
        .put(ClusterConfig.HOST, "172.17.0.5").put(ClusterConfig.PUBLIC_HOST, "203.0.113.7")));
    assertEquals("203.0.113.7", config.getNetworkConfig().getPublicAddress());
    assertEquals(List.of("172.17.0.5"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
  }

  @Test
  void kubernetesJoinLooksUpTheHeadlessServiceByDnsInsteadOfAMemberList() {
    Config config = ClusterConfig.load(MeshConfig.of(new JsonObject()
        .put(ClusterConfig.JOIN, "kubernetes")
        .put(ClusterConfig.K8S_SERVICE_DNS, "mesh-cluster.shop.svc.cluster.local")
        .put(ClusterConfig.HOST, "10.1.2.3")
        .put(ClusterConfig.MEMBERS, "10.9.9.9")));
    JoinConfig join = config.getNetworkConfig().getJoin();
    KubernetesConfig kubernetes = join.getKubernetesConfig();
    assertTrue(kubernetes.isEnabled());
    assertEquals("mesh-cluster.shop.svc.cluster.local", kubernetes.getProperty("service-dns"));
    assertEquals("5701", kubernetes.getProperty("service-port"));
    assertFalse(join.getTcpIpConfig().isEnabled(), "one join method at a time");
    assertTrue(join.getTcpIpConfig().getMembers().isEmpty());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertEquals("10.1.2.3", config.getNetworkConfig().getPublicAddress(), "the pod IP is announced");
    join.verify(); // Hazelcast refuses two join methods at once
  }

  @Test
  void kubernetesJoinWithoutAServiceNameOrAnUnknownJoinIsRefusedAtStart() {
    IllegalArgumentException noDns = assertThrows(IllegalArgumentException.class,
        () -> ClusterConfig.load(MeshConfig.of(new JsonObject().put(ClusterConfig.JOIN, "kubernetes"))));
    assertTrue(noDns.getMessage().contains(ClusterConfig.K8S_SERVICE_DNS), noDns.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ClusterConfig.load(MeshConfig.of(new JsonObject().put(ClusterConfig.JOIN, "multicast"))));
    assertTrue(unknown.getMessage().contains(ClusterConfig.JOIN), unknown.getMessage());
  }

  @Test
  void theEventBusListensOnTheFixedPortAndAnnouncesItWithTheClusterHost() {
    int eventBusPort = TestCluster.freePort();
    JsonObject settings = TestCluster.create().settings().put(ClusterConfig.EVENTBUS_PORT, eventBusPort);
    Vertx node = TestCluster.await(MeshNode.clustered(MeshConfig.of(settings)));
    try {
      NodeInfo announced = ((VertxInternal) node).clusterManager().getNodeInfo();
      assertEquals("127.0.0.1", announced.host());
      assertEquals(eventBusPort, announced.port());
    } finally {
      TestCluster.await(node.close());
    }
  }
}
