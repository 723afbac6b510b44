package dev.mesh.orders;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** An order as stored, and as the API shows it. */
record Order(String id, long seq, String userId, JsonArray items, String status, String reason,
    String stockState, String requestHash, OffsetDateTime createdAt, OffsetDateTime updatedAt,
    OffsetDateTime confirmedAt) {

  static final String PENDING = "PENDING";
  static final String CONFIRMED = "CONFIRMED";
  static final String REJECTED = "REJECTED";
  static final String CANCELLED = "CANCELLED";

  static Order from(Row row) {
    Object items = row.getValue("items");
    return new Order(row.getString("id"), row.getLong("seq"), row.getString("user_id"),
        items instanceof JsonArray array ? array : new JsonArray(String.valueOf(items)),
        row.getString("status"), row.getString("reason"), row.getString("stock_state"),
        row.getString("request_hash"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"),
        row.getOffsetDateTime("confirmed_at"));
  }

  boolean isFinal() {
    return !PENDING.equals(status);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("userId", userId)
        .put("items", items.copy())
        .put("status", status)
        .put("createdAt", createdAt.toString())
        .put("updatedAt", updatedAt.toString());
    if (reason != null) {
      json.put("reason", reason);
    }
    if (confirmedAt != null) {
      json.put("confirmedAt", confirmedAt.toString());
    }
    return json;
  }

  /** The event announcing this order's current state: {@code events.order.<status in lower case>}. */
  JsonObject event(String eventId) {
    return toJson().put("eventId", eventId).put("orderId", id);
  }
}
