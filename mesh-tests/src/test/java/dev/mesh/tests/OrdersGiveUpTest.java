package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saga's limits with real JVMs: a dependency down longer than ORDERS_GIVE_UP_AFTER_MS (8 s here)
 * cancels its orders with the reason and leaves no stock reserved once it is back; a customer cancels
 * an order that waits for it.
 */
class OrdersGiveUpTest {

  private static final long GIVE_UP_MS = 8_000;

  @TempDir
  static Path dataDir;
  static MeshProcesses mesh;
  static Vertx observer;
  static OrderTraffic traffic;

  @BeforeAll
  static void startMesh() throws Exception {
    TestCluster cluster = TestCluster.create();
    mesh = MeshProcesses.ready(cluster.settings()
        .put("ORDERS_GIVE_UP_AFTER_MS", GIVE_UP_MS)
        .put("ORDERS_REPLY_WITHIN_MS", 1_000), dataDir);
    observer = cluster.join();
    traffic = OrderTraffic.observe(mesh, observer);
    // The order service's own paths to users and inventory work (its view of the cluster, not only the
    // gateway's) before a test stops one: one order CONFIRMED. Under the short give-up, an order placed
    // while the order node still learns of the others' subscriptions can end CANCELLED: try again.
    String user = traffic.createUser();
    String sku = traffic.createProduct(100);
    Eventually.await(Duration.ofSeconds(120), "a first order CONFIRMED", () -> {
      List<String> placed = traffic.place(user, sku, 1, 1).get(1, TimeUnit.MINUTES).acknowledged();
      return placed.isEmpty() ? "not acknowledged" : traffic.awaitFinal(placed.get(0)).getString("status");
    }, "CONFIRMED"::equals);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    if (observer != null) {
      TestCluster.await(observer.close());
    }
    mesh.close();
  }

  @Test
  void inventoryDownLongerThanTheGiveUpTimeCancelsItsOrdersAndHoldsNoStockOnceBack() throws Exception {
    String user = traffic.createUser();
    String sku = traffic.createProduct(1_000);
    Process inventory = mesh.process("inventory-verticle");

    // orders in flight when inventory dies (a reserve may land with its reply lost), then orders while it is down
    CompletableFuture<OrderTraffic.Outcome> inFlight = traffic.place(user, sku, 3, 10);
    TimeUnit.MILLISECONDS.sleep(300);
    inventory.destroyForcibly();
    assertTrue(inventory.waitFor(10, TimeUnit.SECONDS));
    List<String> acknowledged = new java.util.ArrayList<>(inFlight.get(5, TimeUnit.MINUTES).acknowledged());
    OrderTraffic.Outcome whileDown = traffic.place(user, sku, 3, 1).get(5, TimeUnit.MINUTES);
    assertEquals(3, whileDown.accepted202(), "202 PENDING while inventory is down: " + whileDown);
    acknowledged.addAll(whileDown.acknowledged());

    int cancelled = 0;
    for (String id : acknowledged) {
      JsonObject order = traffic.awaitFinal(id); // inventory stays down until every order has ended
      if ("CANCELLED".equals(order.getString("status"))) {
        cancelled++;
        assertTrue(order.getString("reason").startsWith("the inventory service is unavailable"), order.encode());
        assertTrue(OrderTraffic.pendingMs(order) >= GIVE_UP_MS, "waited its give-up time first: " + order.encode());
      } else {
        assertEquals("CONFIRMED", order.getString("status"), order.encode());
      }
    }
    assertTrue(cancelled >= whileDown.acknowledged().size(), "orders placed while inventory was down are cancelled");

    mesh.start("inventory-verticle");
    mesh.awaitReady(Duration.ofSeconds(180));
    int confirmed = acknowledged.size() - cancelled;
    JsonObject stock = Eventually.await(OrderTraffic.SETTLE, "no stock held by a cancelled order",
        () -> traffic.product(sku), p -> p.getLong("reserved") + p.getLong("sold") == confirmed);
    assertEquals(1_000 - confirmed, stock.getLong("available"), stock.encode());
    for (String id : acknowledged) {
      List<String> events = traffic.awaitEventsOf(id);
      assertEquals(2, events.size(), id + " " + events);
    }
  }

  @Test
  void aWaitingOrderCancelledByTheCustomerHoldsNoStockOnceItsDependencyReturns() throws Exception {
    String user = traffic.createUser();
    String sku = traffic.createProduct(10);
    Process inventory = mesh.process("inventory-verticle");
    inventory.destroyForcibly();
    assertTrue(inventory.waitFor(10, TimeUnit.SECONDS));

    HttpResponse<String> placed = mesh.post("/api/orders", new JsonObject().put("userId", user)
        .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 2))),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertEquals(202, placed.statusCode(), placed.body());
    String id = new JsonObject(placed.body()).getString("id");
    // its first reserve may still be on its way to the dead JVM (then it times out): wait until it waits
    JsonObject waiting = Eventually.await(Duration.ofSeconds(30), "the order waits for inventory",
        () -> new JsonObject(mesh.get("/api/orders/" + id).body()), o -> o.containsKey("waitingFor"));
    assertEquals("PENDING", waiting.getString("status"), waiting.encode());
    assertEquals("inventory", waiting.getString("waitingFor"), waiting.encode());

    HttpResponse<String> cancelled = mesh.post("/api/orders/" + id + "/cancel", new JsonObject());
    assertEquals(200, cancelled.statusCode(), cancelled.body());
    assertEquals("CANCELLED", new JsonObject(cancelled.body()).getString("status"));
    assertEquals("cancelled by the customer", new JsonObject(cancelled.body()).getString("reason"));

    // the killed instance's record is reaped (within seconds) before inventory comes back, so that
    // "ready" below means the new instance and not the dead one's record
    Eventually.await(Duration.ofSeconds(30), "the killed inventory reaped", () -> mesh.get("/ready").statusCode(),
        status -> status == 503);
    mesh.start("inventory-verticle");
    mesh.awaitReady(Duration.ofSeconds(180));
    Eventually.await(OrderTraffic.SETTLE, "the product as it was", () -> traffic.product(sku),
        p -> p.getLong("available") == 10 && p.getLong("reserved") == 0 && p.getLong("sold") == 0);
    assertEquals("CANCELLED", traffic.awaitFinal(id).getString("status"));
    assertEquals(List.of("events.order.created", "events.order.cancelled"), traffic.awaitEventsOf(id));
  }
}
