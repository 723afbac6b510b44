package dev.mesh.inventory;

import dev.mesh.contracts.InventoryContract.Event;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@link Event#CHANGED}: one event per product whose stock or catalogue data changed, with the
 * new counts. Each carries its own {@code eventId} so receivers can drop duplicates, and is published only
 * after the change is committed.
 */
final class InventoryEvents {

  /** Why the product changed; the {@code reason} field of the event. */
  enum Reason { CREATED, RESTOCKED, UPDATED, RESERVED, RELEASED, COMMITTED }

  private final Vertx vertx;

  InventoryEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  void changed(Product product, Reason reason) {
    publish(product, reason, null);
  }

  void changed(List<Product> products, Reason reason, String orderId) {
    products.forEach(product -> publish(product, reason, orderId));
  }

  private void publish(Product product, Reason reason, String orderId) {
    JsonObject event = product.toJson()
        .put("eventId", UUID.randomUUID().toString())
        .put("reason", reason.name())
        .put("occurredAt", Instant.now().toString());
    if (orderId != null) {
      event.put("orderId", orderId);
    }
    vertx.eventBus().publish(Event.CHANGED.address(), event);
  }
}
