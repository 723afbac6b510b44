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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two order instances (two JVMs, one database) under six clients creating orders with idempotency keys,
 * and a kill -9 of one instance in the middle: every acknowledged order ends final exactly once, with
 * exactly one final event, and the stock adds up. Clients may retry with their key: that is what keys
 * are for. How the order service keeps two instances from driving one order is docs/orders.md's.
 */
class OrdersScaleOutTest {

  private static final Logger log = LoggerFactory.getLogger(OrdersScaleOutTest.class);
  private static final Set<String> FINAL = Set.of("CONFIRMED", "REJECTED", "CANCELLED");
  private static final int STOCK = 40;

  @TempDir
  Path dataDir;
  private MeshProcesses mesh;
  private Vertx observer;

  @AfterEach
  void stop() throws Exception {
    if (observer != null) {
      TestCluster.await(observer.close());
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void everyAcknowledgedOrderEndsOnceWhenOneOfTwoOrderInstancesIsKilled() throws Exception {
    TestCluster cluster = TestCluster.create();
    JsonObject settings = cluster.settings().put("ORDERS_RECOVER_AFTER_MS", 3000);
    mesh = new MeshProcesses(settings, dataDir, TestCluster.freePort());
    for (String module : List.of("gateway-verticle", "user-verticle", "inventory-verticle")) {
      mesh.start(module);
    }
    Process first = mesh.startInstance("orders-1", "order-verticle", Map.of());
    mesh.startInstance("orders-2", "order-verticle", Map.of());
    Eventually.await(Duration.ofSeconds(240), "the mesh with two order instances",
        () -> new JsonObject(mesh.get("/ready", Duration.ofSeconds(5)).body()),
        r -> "UP".equals(r.getString("status"))
            && r.getJsonObject("services").getJsonObject("orders").getInteger("instances") == 2);

    // the final events, as any subscriber of the mesh sees them (eventId -> order id and status)
    observer = cluster.join();
    Map<String, JsonObject> finalEvents = new ConcurrentHashMap<>();
    AtomicInteger deliveries = new AtomicInteger();
    for (String verb : List.of("confirmed", "rejected", "cancelled")) {
      TestCluster.await(observer.eventBus().<JsonObject>consumer("events.order." + verb, message -> {
        deliveries.incrementAndGet();
        finalEvents.put(message.body().getString("eventId"), message.body());
      }).completion());
    }

    String userId = new JsonObject(mesh.post("/api/users", new JsonObject()
        .put("email", "orders-" + UUID.randomUUID() + "@example.com").put("name", "Buyer")).body()).getString("id");
    String sku = "ORD-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, mesh.post("/api/inventory/products", new JsonObject().put("sku", sku).put("name", "scaled")
        .put("priceCents", 250).put("available", STOCK)).statusCode());

    Map<String, String> acknowledged = new ConcurrentHashMap<>(); // idempotency key -> order id
    Map<String, Integer> quantities = new ConcurrentHashMap<>(); // order id -> units
    AtomicInteger retries = new AtomicInteger();
    List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      int client = c;
      Thread thread = new Thread(() -> {
        for (int n = 0; n < 8; n++) {
          String key = "client-" + client + "-order-" + n + "-" + UUID.randomUUID();
          int quantity = 1 + (client + n) % 3;
          JsonObject order = new JsonObject().put("userId", userId)
              .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", quantity)));
          long giveUp = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          while (System.nanoTime() < giveUp) {
            try {
              HttpResponse<String> answer = mesh.post("/api/orders", order, "Idempotency-Key", key);
              if (answer.statusCode() == 201 || answer.statusCode() == 202) {
                String id = new JsonObject(answer.body()).getString("id");
                String earlier = acknowledged.putIfAbsent(key, id);
                if (earlier != null && !earlier.equals(id)) {
                  problems.add("key " + key + " answered two orders: " + earlier + ", " + id);
                }
                quantities.put(id, quantity);
                break;
              }
              if (answer.statusCode() < 500) {
                problems.add("a client's order refused: " + answer.statusCode() + " " + answer.body());
                break;
              }
            } catch (java.io.IOException timedOut) {
              // no answer: the key makes the next attempt safe
            } catch (InterruptedException e) {
              return;
            }
            retries.incrementAndGet();
          }
        }
      }, "order-client-" + c);
      thread.start();
      clients.add(thread);
    }
    Eventually.await(Duration.ofSeconds(120), "some orders acknowledged", () -> acknowledged.size() >= 12);
    first.destroyForcibly(); // SIGKILL of one order instance, sagas in flight
    log.info("killed orders-1 after {} acknowledged orders", acknowledged.size());
    for (Thread client : clients) {
      client.join(Duration.ofMinutes(5).toMillis());
    }
    assertEquals(List.of(), problems);
    assertEquals(48, acknowledged.size(), "every client's order was acknowledged in the end");

    Map<String, JsonObject> finals = new ConcurrentHashMap<>();
    Eventually.await(Duration.ofSeconds(120), "every acknowledged order final", () -> {
      for (String id : acknowledged.values()) {
        if (!finals.containsKey(id)) {
          JsonObject order = new JsonObject(mesh.get("/api/orders/" + id).body());
          if (FINAL.contains(order.getString("status"))) {
            finals.put(id, order);
          }
        }
      }
      return finals.size() == acknowledged.size();
    });
    Eventually.await(Duration.ofSeconds(60), "one final event per order",
        () -> finalEvents.values().stream().map(e -> e.getString("orderId")).distinct().count() == finals.size());

    Map<String, List<JsonObject>> eventsByOrder = finalEvents.values().stream()
        .collect(Collectors.groupingBy(e -> e.getString("orderId")));
    for (Map.Entry<String, JsonObject> order : finals.entrySet()) {
      List<JsonObject> events = eventsByOrder.getOrDefault(order.getKey(), List.of());
      assertEquals(1, events.size(), "exactly one final event for order " + order.getKey() + ": " + events);
      assertEquals(order.getValue().getString("status"), events.get(0).getString("status"),
          "the final event says how the order ended");
    }

    int confirmedUnits = finals.entrySet().stream().filter(e -> "CONFIRMED".equals(e.getValue().getString("status")))
        .mapToInt(e -> quantities.get(e.getKey())).sum();
    JsonObject product = new JsonObject(mesh.get("/api/inventory/products/" + sku).body());
    log.info("48 orders: {} confirmed ({} units), {} final events in {} deliveries, {} client retries; stock {}",
        finals.values().stream().filter(o -> "CONFIRMED".equals(o.getString("status"))).count(), confirmedUnits,
        finalEvents.size(), deliveries.get(), retries.get(), product.encode());
    assertEquals(STOCK, product.getInteger("available") + product.getInteger("reserved") + product.getInteger("sold"));
    assertEquals(confirmedUnits, product.getInteger("reserved") + product.getInteger("sold"),
        "exactly the confirmed orders' units left the shelf");
  }
}
