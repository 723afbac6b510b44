package dev.mesh.orders;

import dev.mesh.common.MeshError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The saga of an order, declared as data: each step's service, its call, and what a refusal (a 4xx
 * answer) means. A refusal ends the order REJECTED; an unreachable service (a 5xx: no instance,
 * timeout, open breaker, its database down) makes the order wait and retry the same step. After the
 * last step the order is CONFIRMED.
 *
 * <p>Compensation: {@link #RESERVE_STOCK} is undone by {@code release}. An order is stored with stock
 * {@code ASKED} from birth (a reserve may be sent any moment after), so every order that ends
 * REJECTED or CANCELLED is released, which is idempotent and harmless when nothing was reserved.
 */
enum SagaStep {

  CHECK_USER(Downstream.USERS, "unknown_user") {
    @Override
    Future<JsonObject> call(Downstream downstream, Order order) {
      return downstream.getUser(order.userId());
    }

    @Override
    String refusal(Order order, MeshError answer) {
      return "unknown user " + order.userId();
    }
  },

  RESERVE_STOCK(Downstream.INVENTORY, "stock") {
    @Override
    Future<JsonObject> call(Downstream downstream, Order order) {
      return downstream.reserve(order.id(), order.items());
    }

    @Override
    String refusal(Order order, MeshError answer) {
      return answer.getMessage(); // names the short or unknown skus
    }
  };

  private final String service;
  private final String refusalCategory;

  SagaStep(String service, String refusalCategory) {
    this.service = service;
    this.refusalCategory = refusalCategory;
  }

  /** What a refusal of this step is, as a low-cardinality metrics label. */
  String refusalCategory() {
    return refusalCategory;
  }

  /** The service this step needs, as the order's {@code waitingFor} names it. */
  String service() {
    return service;
  }

  abstract Future<JsonObject> call(Downstream downstream, Order order);

  abstract String refusal(Order order, MeshError answer);

  /** The step after this one; null after the last. */
  SagaStep next() {
    SagaStep[] steps = values();
    return ordinal() + 1 < steps.length ? steps[ordinal() + 1] : null;
  }

  /** A 4xx is the service's answer about this order; anything else means it could not answer. */
  static boolean isRefusal(MeshError error) {
    return error.status() >= 400 && error.status() < 500;
  }
}
