package dev.mesh.tests;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of one-unit orders from a few clients on host 1, for as long as a fault lasts. Every
 * answer is kept: the orders the mesh acknowledged (201 or 202 with an id) are what it must never lose.
 * Bounded: each client stops after {@code maxPerClient} orders or when {@link #stop()} is called.
 */
final class OrderLoad implements AutoCloseable {

  private static final long FAILURE_PAUSE_MS = 250;

  private final Hosts hosts;
  private final String gateway;
  private final String userId;
  private final String sku;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentSkipListMap<>();
  private final AtomicInteger sent = new AtomicInteger();
  private final List<Thread> clients = new ArrayList<>();

  private OrderLoad(Hosts hosts, String gateway, String userId, String sku) {
    this.hosts = hosts;
    this.gateway = gateway;
    this.userId = userId;
    this.sku = sku;
  }

  static OrderLoad start(Hosts hosts, String gateway, String userId, String sku, int clients, int maxPerClient) {
    OrderLoad load = new OrderLoad(hosts, gateway, userId, sku);
    for (int i = 0; i < clients; i++) {
      Thread client = new Thread(() -> load.run(maxPerClient), "order-load-" + i);
      client.setDaemon(true);
      load.clients.add(client);
      client.start();
    }
    return load;
  }

  private void run(int max) {
    JsonObject body = new JsonObject().put("userId", userId)
        .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 1)));
    for (int i = 0; i < max && running.get(); i++) {
      int status;
      try {
        Hosts.Response answer = hosts.http("POST", gateway + "/api/orders", body.encode(),
            "Idempotency-Key: " + UUID.randomUUID());
        status = answer.status();
        if (status == 201 || status == 202) {
          acknowledged.put(answer.json().getString("id"), status);
        }
      } catch (Exception e) {
        status = 0;
      }
      sent.incrementAndGet();
      statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
      if (status != 201 && status != 202) {
        // a mesh that is cut or merging answers 503 in milliseconds: paced, the bounded count of requests
        // lasts through the fault and the heal instead of being spent before the mesh is whole again
        pause(FAILURE_PAUSE_MS);
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  /** Ids of the orders the mesh answered 201 or 202 for. */
  Map<String, Integer> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  /** e.g. {201=80, 202=3, 503=12, 504=2}; 0 is a transport failure. */
  String summary() {
    return "sent " + sent.get() + ", acknowledged " + acknowledged.size() + ", statuses " + statuses;
  }

  void stop() throws InterruptedException {
    running.set(false);
    for (Thread client : clients) {
      client.join(TimeUnit.SECONDS.toMillis(40));
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
