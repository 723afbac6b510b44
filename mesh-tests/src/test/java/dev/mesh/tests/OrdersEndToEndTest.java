package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order saga across three service JVMs and their own PostgreSQL servers, driven through the
 * gateway like a client would, with a clustered observer of the order events. The mesh starts once;
 * every test makes its own products, and a test that stops a service restarts it (or leaves that to
 * the next test's {@link #wholeMesh}).
 */
class OrdersEndToEndTest {

  private static final List<String> EVENTS = List.of("created", "confirmed", "rejected", "cancelled");

  @TempDir
  static Path dataDir;
  private static MeshProcesses mesh;
  private static Vertx observer;
  /** eventId -> event, so a redelivered event counts once (what every receiver must do). */
  private static final Map<String, JsonObject> events = new ConcurrentHashMap<>();
  private static final AtomicInteger redelivered = new AtomicInteger();
  private static String userId;

  @BeforeAll
  static void startMesh() throws Exception {
    TestCluster cluster = TestCluster.create();
    JsonObject settings = cluster.settings()
        // long enough that a loaded machine still cancels within it; each sale waits it out
        .put("ORDERS_CANCEL_WINDOW_MS", 8000)
        .put("ORDERS_RECOVER_AFTER_MS", 3000)
        .put("ORDERS_SWEEP_INTERVAL_MS", 500);
    mesh = new MeshProcesses(settings, dataDir, TestCluster.freePort());
    mesh.startAll();
    observer = cluster.join();
    for (String verb : EVENTS) {
      TestCluster.await(observer.eventBus().<JsonObject>consumer("events.order." + verb, message -> {
        JsonObject event = message.body().put("address", message.address());
        if (events.putIfAbsent(event.getString("eventId"), event) != null) {
          redelivered.incrementAndGet();
        }
      }).completion());
    }
    mesh.awaitReady(Duration.ofSeconds(180));
    userId = createUser("ada-" + UUID.randomUUID() + "@example.com");
  }

  @AfterAll
  static void stopMesh() throws Exception {
    if (observer != null) {
      TestCluster.await(observer.close());
    }
    mesh.close();
  }

  @BeforeEach
  void wholeMesh() throws Exception {
    if (!mesh.restartStopped().isEmpty()) {
      mesh.awaitReady(Duration.ofSeconds(120));
      awaitOrdersConfirmAgain();
    }
  }

  @Test
  void aConfirmedOrderReservesThenSellsItsStockAndAnnouncesEachState() throws Exception {
    String sku = createProduct(10);
    JsonObject order = placeAndFinish(userId, items(sku, 3));
    assertEquals("CONFIRMED", order.getString("status"), order.encode());

    JsonObject stock = product(sku);
    assertEquals(7, stock.getLong("available"));
    // stock stays reserved through the cancellation window, then is sold
    JsonObject sold = awaitProduct(sku, p -> p.getLong("sold") == 3);
    assertEquals(0, sold.getLong("reserved"));
    assertEquals(7, sold.getLong("available"));

    List<String> announced = awaitEvents(order.getString("id"), 2);
    assertEquals(List.of("events.order.created", "events.order.confirmed"), announced);
  }

  @Test
  void anOrderExpandsWithItsUserAndProducts() throws Exception {
    String sku = createProduct(5);
    JsonObject order = placeAndFinish(userId, items(sku, 1));

    HttpResponse<String> expanded = mesh.get("/api/orders/" + order.getString("id") + "?expand=user,products");
    assertEquals(200, expanded.statusCode(), expanded.body());
    JsonObject body = new JsonObject(expanded.body());
    assertEquals(userId, body.getJsonObject("user").getString("id"));
    JsonObject product = body.getJsonArray("items").getJsonObject(0).getJsonObject("product");
    assertEquals(sku, product.getString("sku"));

    assertEquals(400, mesh.get("/api/orders/" + order.getString("id") + "?expand=nonsense").statusCode());
  }

  @Test
  void anUnknownUserIsRejected() throws Exception {
    String sku = createProduct(5);
    JsonObject order = placeAndFinish(UUID.randomUUID().toString(), items(sku, 1));
    assertEquals("REJECTED", order.getString("status"));
    assertTrue(order.getString("reason").contains("unknown user"), order.encode());
    assertEquals(5, product(sku).getLong("available"));
  }

  @Test
  void partialStockRejectsTheWholeOrderAndReservesNothing() throws Exception {
    String scarce = createProduct(2);
    String plenty = createProduct(10);
    JsonObject order = placeAndFinish(userId, items(scarce, 5).add(item(plenty, 1)));

    assertEquals("REJECTED", order.getString("status"));
    assertTrue(order.getString("reason").contains(scarce), "the reason names the short sku: " + order.encode());
    assertFalse(order.getString("reason").contains(plenty), order.encode());
    assertCounts(scarce, 2, 0, 0);
    assertCounts(plenty, 10, 0, 0);
  }

  @Test
  void aConfirmedOrderCanBeCancelledWithinItsWindowButNotAfter() throws Exception {
    String sku = createProduct(5);
    JsonObject order = placeAndFinish(userId, items(sku, 2));
    assertEquals("CONFIRMED", order.getString("status"));

    HttpResponse<String> cancelled = mesh.post("/api/orders/" + order.getString("id") + "/cancel", new JsonObject());
    assertEquals(200, cancelled.statusCode(), cancelled.body());
    assertEquals("CANCELLED", new JsonObject(cancelled.body()).getString("status"));
    assertCounts(sku, 5, 0, 0);
    HttpResponse<String> again = mesh.post("/api/orders/" + order.getString("id") + "/cancel", new JsonObject());
    assertEquals(200, again.statusCode(), "cancelling twice is harmless");

    JsonObject kept = placeAndFinish(userId, items(sku, 1));
    awaitProduct(sku, p -> p.getLong("sold") == 1); // the window passed: the stock is sold
    HttpResponse<String> tooLate = mesh.post("/api/orders/" + kept.getString("id") + "/cancel", new JsonObject());
    assertEquals(409, tooLate.statusCode(), tooLate.body());
    assertEquals("conflict", new JsonObject(tooLate.body()).getString("error"));
  }

  @Test
  void theIdempotencyKeyMakesARepeatHarmlessAndRefusesADifferentBody() throws Exception {
    String sku = createProduct(10);
    String key = UUID.randomUUID().toString();
    JsonObject body = new JsonObject().put("userId", userId).put("items", items(sku, 2));

    HttpResponse<String> first = mesh.post("/api/orders", body, "Idempotency-Key", key);
    HttpResponse<String> repeat = mesh.post("/api/orders", body, "Idempotency-Key", key);
    assertTrue(first.statusCode() == 201 || first.statusCode() == 202, first.body());
    assertTrue(repeat.statusCode() == 201 || repeat.statusCode() == 202, repeat.body());
    assertEquals(new JsonObject(first.body()).getString("id"), new JsonObject(repeat.body()).getString("id"));
    awaitFinal(new JsonObject(first.body()).getString("id"));
    assertEquals(8, product(sku).getLong("available"), "one order, one reservation");

    HttpResponse<String> different = mesh.post("/api/orders",
        body.copy().put("items", items(sku, 3)), "Idempotency-Key", key);
    assertEquals(422, different.statusCode(), different.body());
    assertEquals(8, product(sku).getLong("available"));

    HttpResponse<String> keyless = mesh.post("/api/orders", body);
    assertEquals(400, keyless.statusCode());
    assertTrue(new JsonObject(keyless.body()).getJsonObject("fields").containsKey("idempotencyKey"));
  }

  @Test
  void oneHundredConcurrentOrdersForTwentyUnitsConfirmExactlyTwenty() throws Exception {
    String sku = createProduct(20);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      JsonObject body = new JsonObject().put("userId", userId).put("items", items(sku, 1));
      calls.add(mesh.postAsync("/api/orders", body, "Idempotency-Key", UUID.randomUUID().toString()));
    }
    Map<String, Integer> finalStates = new ConcurrentHashMap<>();
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
      assertTrue(response.statusCode() == 201 || response.statusCode() == 202, response.body());
      JsonObject order = awaitFinal(new JsonObject(response.body()).getString("id"));
      finalStates.merge(order.getString("status"), 1, Integer::sum);
    }
    assertEquals(20, finalStates.get("CONFIRMED"), finalStates.toString());
    assertEquals(80, finalStates.get("REJECTED"), finalStates.toString());
    JsonObject stock = awaitProduct(sku, p -> p.getLong("sold") == 20);
    assertCounts(sku, 0, 0, 20);
    assertEquals(20, stock.getLong("available") + stock.getLong("reserved") + stock.getLong("sold"));
  }

  @Test
  void killingTheOrderJvmMidRunLosesNoAcknowledgedOrderAndNoEvent() throws Exception {
    String sku = createProduct(30);
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    List<CompletableFuture<Void>> streams = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      streams.add(CompletableFuture.runAsync(() -> {
        while (attempts.incrementAndGet() <= 40) {
          JsonObject body = new JsonObject().put("userId", userId).put("items", items(sku, 1));
          try {
            HttpResponse<String> response = mesh.post("/api/orders", body, "Idempotency-Key", UUID.randomUUID().toString());
            if (response.statusCode() == 201 || response.statusCode() == 202) {
              acknowledged.add(new JsonObject(response.body()).getString("id"));
            }
          } catch (Exception refused) {
            // not acknowledged: the client was told nothing, so nothing is owed
          }
        }
      }));
    }
    Eventually.await(Duration.ofSeconds(60), "ten acknowledged orders before the kill", acknowledged::size,
        n -> n >= 10);
    Process orders = mesh.process("order-verticle");
    orders.destroyForcibly(); // kill -9 mid-run
    orders.waitFor(10, TimeUnit.SECONDS);
    CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

    mesh.start("order-verticle");
    mesh.awaitReady(Duration.ofSeconds(120));

    int confirmed = 0;
    for (String id : acknowledged) {
      JsonObject order = awaitFinal(id);
      if (order.getString("status").equals("CONFIRMED")) {
        confirmed++;
      }
      List<String> announced = awaitEvents(id, 2);
      assertEquals("events.order.created", announced.get(0), id + " " + announced);
      assertEquals(Set.of("events.order." + order.getString("status").toLowerCase()), Set.copyOf(announced.subList(1, announced.size())),
          "one final event per order, matching its state: " + announced);
    }
    int expectSold = confirmed;
    JsonObject stock = awaitProduct(sku, p -> p.getLong("reserved") == 0 && p.getLong("sold") >= expectSold);
    assertEquals(30, stock.getLong("available") + stock.getLong("reserved") + stock.getLong("sold"));
    // orders created but never acknowledged (cut off by the kill) were driven to an end too; none holds stock
    assertTrue(stock.getLong("sold") >= confirmed, stock.encode());
    assertTrue(acknowledged.size() >= 10);
  }

  // --- helpers -----------------------------------------------------------------------------------------

  private static String createUser(String email) throws Exception {
    HttpResponse<String> created = mesh.post("/api/users", new JsonObject().put("email", email).put("name", "Ada"));
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("id");
  }

  private static String createProduct(long available) throws Exception {
    String sku = "sku-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = mesh.post("/api/inventory/products", new JsonObject()
        .put("sku", sku).put("name", "Thing " + sku).put("priceCents", 1250).put("available", available));
    assertEquals(201, created.statusCode(), created.body());
    return sku;
  }

  private static JsonObject item(String sku, int quantity) {
    return new JsonObject().put("sku", sku).put("quantity", quantity);
  }

  private static JsonArray items(String sku, int quantity) {
    return new JsonArray().add(item(sku, quantity));
  }

  private static JsonObject placeAndFinish(String user, JsonArray items) throws Exception {
    HttpResponse<String> placed = mesh.post("/api/orders", new JsonObject().put("userId", user).put("items", items),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertTrue(placed.statusCode() == 201 || placed.statusCode() == 202, placed.body());
    return awaitFinal(new JsonObject(placed.body()).getString("id"));
  }

  /** The order once it left PENDING (bounded: a crashed saga is re-driven within seconds). */
  private static JsonObject awaitFinal(String id) throws Exception {
    return await(() -> new JsonObject(mesh.get("/api/orders/" + id).body()),
        order -> order.getString("status") != null && !order.getString("status").equals("PENDING"));
  }

  private static JsonObject product(String sku) throws Exception {
    HttpResponse<String> product = mesh.get("/api/inventory/products/" + sku);
    assertEquals(200, product.statusCode(), product.body());
    return new JsonObject(product.body());
  }

  private static JsonObject awaitProduct(String sku, Predicate<JsonObject> done) throws Exception {
    return await(() -> product(sku), done);
  }

  private static void assertCounts(String sku, long available, long reserved, long sold) throws Exception {
    JsonObject product = awaitProduct(sku, p -> p.getLong("available") == available
        && p.getLong("reserved") == reserved && p.getLong("sold") == sold);
    assertNotNull(product);
  }

  /** The addresses of the distinct events seen for an order, in arrival order, once there are {@code atLeast}. */
  private static List<String> awaitEvents(String orderId, int atLeast) throws Exception {
    JsonObject found = await(() -> {
      JsonArray seen = new JsonArray();
      events.values().stream()
          .filter(e -> orderId.equals(e.getString("orderId")))
          .sorted((a, b) -> a.getString("updatedAt").compareTo(b.getString("updatedAt")))
          .forEach(e -> seen.add(e.getString("address")));
      return new JsonObject().put("seen", seen);
    }, json -> json.getJsonArray("seen").size() >= atLeast);
    List<String> addresses = new ArrayList<>();
    found.getJsonArray("seen").forEach(a -> addresses.add((String) a));
    return addresses;
  }

  /**
   * Once inventory is back after a stop, its breaker in the order service closes again (after its reset
   * time): an order confirms within a bound. Each try is a new order; a refused one holds nothing.
   */
  private static void awaitOrdersConfirmAgain() throws Exception {
    String sku = createProduct(100);
    Eventually.await(Duration.ofSeconds(60), "an order confirmed again after inventory came back",
        () -> placeAndFinish(userId, items(sku, 1)), order -> "CONFIRMED".equals(order.getString("status")));
  }

  /** Polls until the condition holds (bounded: 60 s) and returns that reading; fails otherwise. */
  private static JsonObject await(Callable<JsonObject> probe, Predicate<JsonObject> done) {
    return Eventually.await(Duration.ofSeconds(60), "the order or product state", probe, done);
  }
}
