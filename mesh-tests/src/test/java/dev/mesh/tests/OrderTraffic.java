package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Orders placed through the gateway by several clients at once, as a shop's customers would (each with
 * an Idempotency-Key, a retry reusing it), and the order events seen by a clustered observer that drops
 * duplicates by eventId, as every receiver must.
 */
final class OrderTraffic {

  static final List<String> VERBS = List.of("created", "confirmed", "rejected", "cancelled");
  static final Duration SETTLE = Duration.ofSeconds(120);

  /** What the clients saw: the orders acknowledged (201 or 202), how many of each, how many never were. */
  record Outcome(List<String> acknowledged, int created201, int accepted202, int unacknowledged) {
  }

  private final MeshProcesses mesh;
  /** eventId -> event. */
  private final Map<String, JsonObject> events = new ConcurrentHashMap<>();

  private OrderTraffic(MeshProcesses mesh) {
    this.mesh = mesh;
  }

  /** Starts observing events.order.* from {@code observer}, a node of the mesh's cluster. */
  static OrderTraffic observe(MeshProcesses mesh, Vertx observer) {
    OrderTraffic traffic = new OrderTraffic(mesh);
    for (String verb : VERBS) {
      TestCluster.await(observer.eventBus().<JsonObject>consumer("events.order." + verb, message ->
          traffic.events.putIfAbsent(message.body().getString("eventId"),
              message.body().copy().put("address", message.address()))).completion());
    }
    return traffic;
  }

  String createUser() throws Exception {
    HttpResponse<String> created = mesh.post("/api/users", new JsonObject()
        .put("email", "shopper-" + UUID.randomUUID() + "@example.com").put("name", "Shopper"));
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("id");
  }

  String createProduct(long available) throws Exception {
    String sku = "sku-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = mesh.post("/api/inventory/products", new JsonObject()
        .put("sku", sku).put("name", "Thing " + sku).put("priceCents", 500).put("available", available));
    assertEquals(201, created.statusCode(), created.body());
    return sku;
  }

  JsonObject product(String sku) throws Exception {
    HttpResponse<String> product = mesh.get("/api/inventory/products/" + sku);
    assertEquals(200, product.statusCode(), product.body());
    return new JsonObject(product.body());
  }

  /** {@code clients} clients placing {@code perClient} orders of one unit each, one after the other. */
  CompletableFuture<Outcome> place(String userId, String sku, int clients, int perClient) {
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    AtomicInteger created = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger unacknowledged = new AtomicInteger();
    List<CompletableFuture<Void>> streams = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      streams.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < perClient; i++) {
          JsonObject body = new JsonObject().put("userId", userId)
              .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 1)));
          HttpResponse<String> answer = placeOnce(body, UUID.randomUUID().toString());
          if (answer == null) {
            unacknowledged.incrementAndGet();
            continue;
          }
          (answer.statusCode() == 201 ? created : accepted).incrementAndGet();
          acknowledged.add(new JsonObject(answer.body()).getString("id"));
        }
      }));
    }
    return CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new))
        .thenApply(done -> new Outcome(List.copyOf(acknowledged), created.get(), accepted.get(), unacknowledged.get()));
  }

  /** One order: a client that gets no 201/202 tries again with the same key, a few times. */
  private HttpResponse<String> placeOnce(JsonObject body, String key) {
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        HttpResponse<String> answer = mesh.post("/api/orders", body, "Idempotency-Key", key);
        if (answer.statusCode() == 201 || answer.statusCode() == 202) {
          return answer;
        }
      } catch (Exception noAnswer) {
        // not acknowledged: try again with the same key, which can never make a second order
      }
    }
    return null;
  }

  /** The order once it left PENDING (bounded). */
  JsonObject awaitFinal(String id) {
    return Eventually.await(SETTLE, "order " + id + " final", () -> new JsonObject(mesh.get("/api/orders/" + id).body()),
        order -> order.getString("status") != null && !"PENDING".equals(order.getString("status")));
  }

  /**
   * The distinct events of an order, by address in the order of the states they announce (arrival order
   * is not kept), once its final one has arrived (bounded).
   */
  List<String> awaitEventsOf(String orderId) {
    return Eventually.await(SETTLE, "final event of " + orderId, () -> {
      List<String> seen = new ArrayList<>();
      events.values().stream().filter(e -> orderId.equals(e.getString("orderId")))
          .sorted(java.util.Comparator.comparing(e -> OffsetDateTime.parse(e.getString("updatedAt"))))
          .forEach(e -> seen.add(e.getString("address")));
      return seen;
    }, seen -> seen.stream().anyMatch(a -> !a.equals("events.order.created")));
  }

  /** How long the order stayed PENDING: from its creation to its final state. */
  static long pendingMs(JsonObject order) {
    String end = order.getString("confirmedAt", order.getString("updatedAt"));
    return Duration.between(OffsetDateTime.parse(order.getString("createdAt")), OffsetDateTime.parse(end)).toMillis();
  }

  /** Kills the service's JVM (SIGKILL) after {@code killAfterMs}, starts it again {@code downMs} later. */
  static CompletableFuture<Void> killAndRestart(MeshProcesses mesh, String service, long killAfterMs, long downMs) {
    return CompletableFuture.runAsync(() -> {
      try {
        TimeUnit.MILLISECONDS.sleep(killAfterMs);
        Process process = mesh.process(service);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        TimeUnit.MILLISECONDS.sleep(downMs);
        mesh.start(service);
      } catch (Exception e) {
        throw new IllegalStateException("could not kill and restart " + service, e);
      }
    });
  }
}
