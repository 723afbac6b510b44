package dev.mesh.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    // a short tick: the safety-net sweep (every 10th tick) then runs every 2 s
    MeshConfig settings = MeshConfig.of(cluster.settings().put(Registry.REAP_INTERVAL, 200));
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

  @Test
  void aRecordPublishedWhileTheRegistryIsReadIsNotPublishedTwice() {
    // a new instance publishes while its node's sweep is reading the registry (seen in MeshScriptTest
    // under load: the gateway counted 4 users instances of 3 until the next sweep removed the copy)
    for (int i = 0; i < 20; i++) {
      Future<Void> restore = registryA.restoreOwn();
      Future<Record> published = registryA.publish(registryA.newRecord("users", "mesh.users", "a-" + i, "1.0"));
      TestCluster.await(Future.join(restore, published));
      assertEquals(i + 1, TestCluster.await(registryB.records()).size(), "one record per instance after " + (i + 1));
    }
  }

  @Test
  void aRecordRemovedBehindItsNodesBackIsPublishedAgainAndStillUnpublishable() {
    Record published = TestCluster.await(registryA.publish(registryA.newRecord("users", "mesh.users", "a-1", "1.0")));
    // the removal, as every node hears of it (the record may be back before a lookup could see it gone:
    // the publisher checks its records every 200 ms here)
    CompletableFuture<JsonObject> removed = new CompletableFuture<>();
    TestCluster.await(registryB.onChange(change -> {
      // an unpublished record is announced DOWN, without its registration
      if ("a-1".equals(new Record(change).getMetadata().getString(Registry.INSTANCE))
          && Status.DOWN.name().equals(change.getString("status"))) {
        removed.complete(change);
      }
    }).completion());
    // what a node on the other side of a network split does when it reaps the record: remove it
    ServiceDiscovery other = ServiceDiscovery.create(nodeB);
    TestCluster.await(other.unpublish(published.getRegistration()));
    Eventually.await(Duration.ofSeconds(10), "the removal announced", removed::isDone);

    List<Record> back = Eventually.await(Duration.ofSeconds(10), "the record published again",
        () -> TestCluster.await(registryB.records()), records -> records.size() == 1);
    assertEquals("a-1", back.get(0).getMetadata().getString(Registry.INSTANCE));
    assertEquals(Cluster.nodeId(nodeA), back.get(0).getMetadata().getString(Registry.NODE));

    // its publisher still removes it by the registration it was first given
    TestCluster.await(registryA.unpublish(published.getRegistration()));
    assertTrue(TestCluster.await(registryB.records()).isEmpty());
    other.close();
  }

  @Test
  void anInstanceMarkedDownWhileCutOffIsUpOnceMarkedUpAfterItsRecordWasPublishedAgain() {
    // seen on three hosts under load: an instance withdrew (DOWN) during a split, its record was reaped on
    // the other side and published again here; marking it UP later must reach the record that now stands
    Record published = TestCluster.await(registryA.publish(registryA.newRecord("users", "mesh.users", "a-1", "1.0")));
    String registration = published.getRegistration();
    TestCluster.await(registryA.mark(registration, Status.DOWN, "the users database did not answer"));
    ServiceDiscovery other = ServiceDiscovery.create(nodeB);
    TestCluster.await(other.unpublish(registration));

    Record again = Eventually.await(Duration.ofSeconds(10), "the record published again, still DOWN",
        () -> TestCluster.await(registryB.allRecords()), records -> records.size() == 1).get(0);
    assertEquals(Status.DOWN, again.getStatus());
    assertEquals("the users database did not answer", again.getMetadata().getString(Registry.REASON));

    TestCluster.await(registryA.mark(registration, Status.UP, null));
    List<Record> up = Eventually.await(Duration.ofSeconds(10), "one record of the instance, UP",
        () -> TestCluster.await(registryB.allRecords()),
        records -> records.size() == 1 && records.get(0).getStatus() == Status.UP);
    assertEquals("a-1", up.get(0).getMetadata().getString(Registry.INSTANCE));
    assertEquals(null, up.get(0).getMetadata().getString(Registry.REASON));
    // and it stays so: the sweeps after it (every 2 s here) neither drop nor duplicate it
    TestCluster.await(nodeA.timer(2500));
    List<Record> later = TestCluster.await(registryB.allRecords());
    assertEquals(1, later.size());
    assertEquals(Status.UP, later.get(0).getStatus());

    TestCluster.await(registryA.unpublish(registration));
    assertTrue(TestCluster.await(registryB.allRecords()).isEmpty());
    other.close();
  }

  @Test
  void aSecondCopyOfALiveRecordIsRemoved() {
    Record published = TestCluster.await(registryA.publish(registryA.newRecord("users", "mesh.users", "a-1", "1.0")));
    // what a split-brain merge can bring back: the same instance under a second registration
    ServiceDiscovery other = ServiceDiscovery.create(nodeB);
    TestCluster.await(other.publish(new Record(published.toJson()).setRegistration(null)));
    assertEquals(2, TestCluster.await(registryB.records()).size());

    List<Record> once = Eventually.await(Duration.ofSeconds(10), "one record per live instance",
        () -> TestCluster.await(registryB.records()), records -> records.size() == 1);
    assertEquals(published.getRegistration(), once.get(0).getRegistration());
    other.close();
  }

  private List<Record> waitForRecords(int expected) {
    return Eventually.await(Duration.ofSeconds(10), expected + " records",
        () -> TestCluster.await(registryA.records()), records -> records.size() == expected);
  }
}
