package dev.mesh.orders;

import dev.mesh.common.Breakers;
import dev.mesh.common.MeshService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The saga's calls to the users and inventory services: each through that service's breaker and with a
 * deadline, so a dead or slow service fails the step fast instead of hanging the order.
 */
final class Downstream {

  private final Vertx vertx;
  private final Breakers breakers;
  private final long timeoutMs;

  Downstream(Vertx vertx, Breakers breakers, long timeoutMs) {
    this.vertx = vertx;
    this.breakers = breakers;
    this.timeoutMs = timeoutMs;
  }

  Future<JsonObject> getUser(String userId) {
    return call("users", "get", new JsonObject().put("id", userId));
  }

  Future<JsonObject> reserve(String orderId, JsonArray items) {
    return call("inventory", "reserve", new JsonObject().put("orderId", orderId).put("items", items.copy()));
  }

  Future<JsonObject> release(String orderId) {
    return call("inventory", "release", new JsonObject().put("orderId", orderId));
  }

  Future<JsonObject> commit(String orderId) {
    return call("inventory", "commit", new JsonObject().put("orderId", orderId));
  }

  private Future<JsonObject> call(String service, String action, JsonObject body) {
    DeliveryOptions delivery = new DeliveryOptions()
        .addHeader(MeshService.ACTION_HEADER, action)
        .setSendTimeout(timeoutMs);
    return breakers.<Message<Object>>execute(service,
            () -> vertx.eventBus().request("mesh." + service, body, delivery))
        .map(reply -> reply.body() instanceof JsonObject json ? json : new JsonObject());
  }
}
