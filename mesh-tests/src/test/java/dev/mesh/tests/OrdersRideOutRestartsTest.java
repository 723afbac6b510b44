package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dependency of the order saga restarts under load (kill -9, started again 3 s later) and the shop
 * cancels nothing: its orders wait for it and are confirmed once it is back (issue 10).
 */
class OrdersRideOutRestartsTest {

  private static final Logger log = LoggerFactory.getLogger(OrdersRideOutRestartsTest.class);
  private static final int CLIENTS = 6;
  private static final int PER_CLIENT = 55;
  private static final long STOCK = 10_000;

  @TempDir
  static Path dataDir;
  static MeshProcesses mesh;
  static Vertx observer;
  static OrderTraffic traffic;

  @BeforeAll
  static void startMesh() throws Exception {
    TestCluster cluster = TestCluster.create();
    mesh = MeshProcesses.ready(cluster.settings(), dataDir);
    observer = cluster.join();
    traffic = OrderTraffic.observe(mesh, observer);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    if (observer != null) {
      TestCluster.await(observer.close());
    }
    mesh.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"inventory-verticle", "user-verticle"})
  void aDependencyKilledUnderLoadAndRestartedCancelsNoOrder(String service) throws Exception {
    String user = traffic.createUser();
    String sku = traffic.createProduct(STOCK);

    CompletableFuture<OrderTraffic.Outcome> load = traffic.place(user, sku, CLIENTS, PER_CLIENT);
    OrderTraffic.killAndRestart(mesh, service, 1_000, 3_000).get(60, TimeUnit.SECONDS);
    OrderTraffic.Outcome outcome = load.get(10, TimeUnit.MINUTES);
    mesh.awaitReady(Duration.ofSeconds(180));

    assertEquals(0, outcome.unacknowledged(), "every order was acknowledged: " + outcome);
    assertEquals(CLIENTS * PER_CLIENT, outcome.acknowledged().size());
    int cancelled = 0;
    long longestPendingMs = 0;
    for (String id : outcome.acknowledged()) {
      JsonObject order = traffic.awaitFinal(id);
      if ("CANCELLED".equals(order.getString("status"))) {
        cancelled++;
      }
      assertEquals("CONFIRMED", order.getString("status"), order.encode());
      longestPendingMs = Math.max(longestPendingMs, OrderTraffic.pendingMs(order));
    }
    for (String id : outcome.acknowledged()) {
      assertEquals(List.of("events.order.created", "events.order.confirmed"), traffic.awaitEventsOf(id),
          "one created and exactly one final event for " + id);
    }
    int confirmed = outcome.acknowledged().size();
    JsonObject stock = traffic.product(sku);
    assertEquals(STOCK - confirmed, stock.getLong("available"), stock.encode());
    assertEquals(confirmed, stock.getLong("reserved") + stock.getLong("sold"), stock.encode());
    log.info("kill -9 of {} under load: {} orders, {} CANCELLED, {} answered 201, {} answered 202,"
            + " longest PENDING {} ms", service, confirmed, cancelled, outcome.created201(), outcome.accepted202(),
        longestPendingMs);
    assertTrue(longestPendingMs > 0);
  }
}
