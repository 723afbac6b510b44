package dev.mesh.orders;

import dev.mesh.common.Breakers;
import dev.mesh.common.MeshService;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The saga's calls to the users and inventory services (their contracts: docs/users.md,
 * docs/inventory.md): each through that service's breaker and with a deadline, so a dead or slow
 * service fails the step fast instead of hanging the order.
 */
final class Downstream {

  static final String USERS = "users";
  static final String INVENTORY = "inventory";
  static final List<String> SERVICES = List.of(USERS, INVENTORY);

  private static final String USERS_ADDRESS = "mesh.users";
  private static final String INVENTORY_ADDRESS = "mesh.inventory";

  private final Vertx vertx;
  private final Breakers breakers;
  private final long timeoutMs;

  Downstream(Vertx vertx, Breakers breakers, long timeoutMs) {
    this.vertx = vertx;
    this.breakers = breakers;
    this.timeoutMs = timeoutMs;
  }

  Future<JsonObject> getUser(String userId) {
    return call(USERS, USERS_ADDRESS, "get", new JsonObject().put("id", userId));
  }

  Future<JsonObject> reserve(String orderId, JsonArray items) {
    return call(INVENTORY, INVENTORY_ADDRESS, "reserve",
        new JsonObject().put("orderId", orderId).put("items", items.copy()));
  }

  Future<JsonObject> release(String orderId) {
    return call(INVENTORY, INVENTORY_ADDRESS, "release", new JsonObject().put("orderId", orderId));
  }

  Future<JsonObject> commit(String orderId) {
    return call(INVENTORY, INVENTORY_ADDRESS, "commit", new JsonObject().put("orderId", orderId));
  }

  /** True while this instance's breaker towards the service is open: calls would fail without trying. */
  boolean breakerOpen(String service) {
    return breakers.state(service) == CircuitBreakerState.OPEN;
  }

  /** The services whose breakers are open now; the sweep leaves orders waiting for them alone. */
  List<String> openServices() {
    return SERVICES.stream().filter(this::breakerOpen).toList();
  }

  private Future<JsonObject> call(String service, String address, String action, JsonObject body) {
    DeliveryOptions delivery = new DeliveryOptions()
        .addHeader(MeshService.ACTION_HEADER, action)
        .setSendTimeout(timeoutMs);
    return breakers.<Message<Object>>execute(service, () -> vertx.eventBus().request(address, body, delivery))
        .map(reply -> reply.body() instanceof JsonObject json ? json : new JsonObject());
  }
}
