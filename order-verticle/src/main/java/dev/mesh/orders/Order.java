package dev.mesh.orders;

import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/**
 * An order as stored, and as the API shows it. {@code claim} is the token of the driver allowed to
 * change it now (null when none); {@code step}, {@code waitingFor} and {@code attempts} say where a
 * PENDING order's saga stands. {@code traceparent} is the trace of the request that made it, when that
 * trace was exported (null otherwise): the work of the sweep and the relay links back to it.
 */
record Order(String id, long seq, String userId, JsonArray items, Status status, String reason, Stock stock,
    SagaStep step, String waitingFor, int attempts, String claim, String requestHash, OffsetDateTime createdAt,
    OffsetDateTime updatedAt, OffsetDateTime confirmedAt, String traceparent) {

  static Order from(Row row) {
    Object items = row.getValue("items");
    return new Order(row.getString("id"), row.getLong("seq"), row.getString("user_id"),
        items instanceof JsonArray array ? array : new JsonArray(String.valueOf(items)),
        Status.valueOf(row.getString("status")), row.getString("reason"), Stock.valueOf(row.getString("stock_state")),
        SagaStep.valueOf(row.getString("step")), row.getString("waiting_for"), row.getInteger("attempts"),
        row.getString("claim"), row.getString("request_hash"), row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"), row.getOffsetDateTime("confirmed_at"), row.getString("traceparent"));
  }

  boolean isFinal() {
    return status.isFinal();
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("userId", userId)
        .put("items", items.copy())
        .put("status", status.name())
        .put("createdAt", createdAt.toString())
        .put("updatedAt", updatedAt.toString());
    if (reason != null) {
      json.put("reason", reason);
    }
    if (status == Status.PENDING && waitingFor != null) {
      json.put("waitingFor", waitingFor);
    }
    if (confirmedAt != null) {
      json.put("confirmedAt", confirmedAt.toString());
    }
    return json;
  }

  /** The event announcing this order's current state, on {@link Status#event().address()}. */
  JsonObject event(String eventId) {
    JsonObject event = toJson().put("eventId", eventId).put("orderId", id);
    event.remove("waitingFor");
    return event;
  }
}
