package dev.mesh.gateway.bridge;

import dev.mesh.common.observe.MeshMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Events a webhook did not take after every attempt. Kept in memory (the newest
 * {@code BRIDGE_DEAD_LETTER_LIMIT}), listed at {@code GET /bridge/dead-letters}, and each one is
 * published on {@value #ADDRESS} so an operator's tool can keep them for good.
 */
final class DeadLetters {

  static final String ADDRESS = "bridge.dead-letters";

  private final Vertx vertx;
  private final int limit;
  private final Deque<JsonObject> letters = new ArrayDeque<>();
  private long total;
  private final Counter counted;

  DeadLetters(Vertx vertx, int limit) {
    this.vertx = vertx;
    this.limit = Math.max(1, limit);
    this.counted = Counter.builder("mesh.bridge.dead.letters").description("Events no webhook took after every attempt")
        .register(MeshMetrics.registry(vertx));
  }

  void add(String subscription, String url, JsonObject event, int attempts, String lastError) {
    JsonObject letter = new JsonObject()
        .put("subscription", subscription)
        .put("url", url)
        .put("attempts", attempts)
        .put("lastError", lastError)
        .put("at", Instant.now().toString())
        .put("event", event);
    synchronized (letters) {
      letters.addLast(letter);
      total++;
      counted.increment();
      while (letters.size() > limit) {
        letters.removeFirst();
      }
    }
    vertx.eventBus().publish(ADDRESS, letter);
  }

  JsonObject toJson() {
    synchronized (letters) {
      return new JsonObject().put("total", total).put("kept", letters.size())
          .put("letters", new JsonArray(letters.stream().map(JsonObject::copy).toList()));
    }
  }
}
