package dev.mesh.orders;

import dev.mesh.common.contract.ActionContract;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The saga's calls to the services its steps name ({@link SagaStep}). In production they go through the
 * mesh's client ({@link MeshDownstream}); the fast tests answer them from a script. A call fails with a
 * {@link dev.mesh.common.MeshError} (a 4xx is the service's refusal, a 5xx means it could not answer),
 * or with the breaker's {@link io.vertx.circuitbreaker.OpenCircuitException} when an open breaker
 * refused it without trying.
 */
interface Downstream {

  /**
   * The answer of {@code action} to {@code body}, asked for the customer the saga acts for (the order's
   * user): their identity travels with the call, sent by the orders service, which the callee's contract
   * grants what the saga needs.
   */
  Future<JsonObject> call(ActionContract action, JsonObject body, String customer);

  /** True while this instance's breaker towards the service is open: calls would fail without trying. */
  boolean breakerOpen(String service);

  /** The services whose breakers are open now; the sweep leaves orders waiting for them alone. */
  default List<String> openServices() {
    return SagaStep.SERVICES.stream().filter(this::breakerOpen).toList();
  }
}
