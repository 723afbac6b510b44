package dev.mesh.orders;

import dev.mesh.common.Breakers;
import dev.mesh.common.Caller;
import dev.mesh.common.ServiceClient;
import dev.mesh.common.contract.ActionContract;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The saga's calls through the mesh's client: each through that service's breaker and with a deadline,
 * so a dead or slow service fails the step fast instead of hanging the order.
 */
final class MeshDownstream implements Downstream {

  private final ServiceClient client;
  private final Breakers breakers;

  MeshDownstream(ServiceClient client, Breakers breakers) {
    this.client = client;
    this.breakers = breakers;
  }

  @Override
  public Future<JsonObject> call(ActionContract action, JsonObject body, String customer) {
    return client.call(action).as(Caller.of(customer, List.of(), List.of())).json(body);
  }

  @Override
  public boolean breakerOpen(String service) {
    return breakers.state(service) == CircuitBreakerState.OPEN;
  }
}
