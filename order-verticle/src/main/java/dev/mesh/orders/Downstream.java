package dev.mesh.orders;

import dev.mesh.common.Breakers;
import dev.mesh.common.Caller;
import dev.mesh.common.ServiceClient;
import dev.mesh.contracts.InventoryContract;
import dev.mesh.contracts.UsersContract;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The saga's calls to the users and inventory services (their contracts: {@link UsersContract},
 * {@link InventoryContract}), through the mesh's client: each through that service's breaker and with a
 * deadline, so a dead or slow service fails the step fast instead of hanging the order. The stock calls
 * go as the orders service itself, which inventory's contract grants them.
 */
final class Downstream {

  static final String USERS = UsersContract.SERVICE;
  static final String INVENTORY = InventoryContract.SERVICE;
  static final List<String> SERVICES = List.of(USERS, INVENTORY);

  private final ServiceClient client;
  private final Breakers breakers;

  Downstream(ServiceClient client, Breakers breakers) {
    this.client = client;
    this.breakers = breakers;
  }

  /** Checked as the customer: the saga acts for them, and the users service shows a customer their own record. */
  Future<JsonObject> getUser(String userId) {
    return client.call(UsersContract.Action.GET).as(Caller.of(userId, List.of(), List.of()))
        .json(new JsonObject().put("id", userId));
  }

  Future<JsonObject> reserve(String orderId, JsonArray items) {
    return client.call(InventoryContract.Action.RESERVE)
        .json(new JsonObject().put("orderId", orderId).put("items", items.copy()));
  }

  Future<JsonObject> release(String orderId) {
    return client.call(InventoryContract.Action.RELEASE).json(new JsonObject().put("orderId", orderId));
  }

  Future<JsonObject> commit(String orderId) {
    return client.call(InventoryContract.Action.COMMIT).json(new JsonObject().put("orderId", orderId));
  }

  /** True while this instance's breaker towards the service is open: calls would fail without trying. */
  boolean breakerOpen(String service) {
    return breakers.state(service) == CircuitBreakerState.OPEN;
  }

  /** The services whose breakers are open now; the sweep leaves orders waiting for them alone. */
  List<String> openServices() {
    return SERVICES.stream().filter(this::breakerOpen).toList();
  }
}
