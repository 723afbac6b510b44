package dev.mesh.inventory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.SortedMap;

/** What one order holds: its state and its items (sku to quantity, in sku order). */
record Reservation(String orderId, State state, SortedMap<String, Long> items) {

  enum State {
    RESERVED, RELEASED, COMMITTED,
    /** Released before anything was reserved: nothing is held, and the order may not reserve later. */
    VOID
  }

  /** The answer to reserve, release and commit; a VOID order is reported as UNKNOWN. */
  JsonObject toJson() {
    JsonArray lines = new JsonArray();
    items.forEach((sku, quantity) -> lines.add(new JsonObject().put("sku", sku).put("quantity", quantity)));
    return new JsonObject()
        .put("orderId", orderId)
        .put("status", state == State.VOID ? "UNKNOWN" : state.name())
        .put("items", lines);
  }
}
