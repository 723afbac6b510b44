package dev.mesh.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.servicediscovery.Record;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry across two real clustered nodes (Hazelcast, TCP-IP on 127.0.0.1). */
class RegistryTest {

  private TestCluster cluster;
  private Vertx nodeA;
  private Vertx nodeB;
  private Registry registryA;
  private Registry registryB;

  @BeforeEach
  void joinTwoNodes() {
    cluster = TestCluster.create();
    nodeA = cluster.join();
    nodeB = cluster.join();
    MeshConfig settings = MeshConfig.of(cluster.settings());
    registryA = Registry.create(nodeA, settings);
    registryB = Registry.create(nodeB, settings);
  }

  @AfterEach
  void leave() {
    registryA.close();
    TestCluster.await(Future.join(nodeA.close(), nodeB == null ? Future.succeededFuture() : nodeB.close()));
  }

  @Test
  void aRecordPublishedOnOneNodeIsSeenOnTheOtherUntilUnpublished() {
    Record published = TestCluster.await(registryA.publish(
        registryA.newRecord("users", "mesh.users", "instance-1", "1.0")));

    List<Record> seenFromB = TestCluster.await(registryB.records());
    assertEquals(1, seenFromB.size());
    Record seen = seenFromB.get(0);
    assertEquals("users", seen.getName());
    assertEquals("mesh.users", seen.getLocation().getString("address"));
    assertEquals(Cluster.nodeId(nodeA), seen.getMetadata().getString(Registry.NODE));
    assertEquals("instance-1", seen.getMetadata().getString(Registry.INSTANCE));

    TestCluster.await(registryA.unpublish(published.getRegistration()));
    assertTrue(TestCluster.await(registryB.records()).isEmpty());
  }

  @Test
  void recordsOfANodeThatLeftWithoutUnpublishingAreReaped() throws InterruptedException {
    TestCluster.await(registryA.publish(registryA.newRecord("users", "mesh.users", "kept", "1.0")));
    TestCluster.await(registryB.publish(registryB.newRecord("inventory", "mesh.inventory", "departed", "1.0")));
    assertEquals(2, TestCluster.await(registryA.records()).size());

    // node B goes without a word: no unpublish, the registry is not even closed
    TestCluster.await(nodeB.close());
    nodeB = null;

    List<Record> left = waitForRecords(1);
    assertEquals(1, left.size(), "the departed node's record is reaped");
    assertEquals("kept", left.get(0).getMetadata().getString(Registry.INSTANCE));
  }

  private List<Record> waitForRecords(int expected) {
    return Eventually.await(Duration.ofSeconds(10), expected + " records",
        () -> TestCluster.await(registryA.records()), records -> records.size() == expected);
  }
}
