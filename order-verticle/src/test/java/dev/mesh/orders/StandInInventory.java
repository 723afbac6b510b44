package dev.mesh.orders;

import dev.mesh.common.MeshError;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code mesh.inventory}'s stock actions as docs/inventory.md gives them: {@code reserve} all items or
 * none (404 unknown sku, 409 short stock), {@code release} and {@code commit}; each idempotent by order
 * id, and a released order (or one released before it ever reserved) can never reserve again.
 */
final class StandInInventory extends StandInService {

  /** Units of one product: available + reserved + sold never changes. */
  record Counts(long available, long reserved, long sold) {
  }

  private record Reservation(String state, JsonArray items) {
  }

  private final Map<String, long[]> stock = new HashMap<>();
  private final Map<String, Reservation> reservations = new HashMap<>();

  StandInInventory(Vertx vertx) {
    super(vertx, "mesh.inventory");
  }

  synchronized String addProduct(long available) {
    String sku = "sku-" + UUID.randomUUID().toString().substring(0, 8);
    stock.put(sku, new long[] {available, 0, 0});
    return sku;
  }

  synchronized Counts counts(String sku) {
    long[] units = stock.get(sku);
    return new Counts(units[0], units[1], units[2]);
  }

  /** The state of the order's reservation: RESERVED, RELEASED, COMMITTED, VOID (released unseen), or null. */
  synchronized String reservation(String orderId) {
    Reservation reservation = reservations.get(orderId);
    return reservation == null ? null : reservation.state();
  }

  @Override
  protected synchronized JsonObject answer(String action, JsonObject body) {
    String orderId = body.getString("orderId");
    Reservation existing = reservations.get(orderId);
    switch (action) {
      case "reserve" -> {
        if (existing != null) {
          if (!existing.state().equals("RESERVED") && !existing.state().equals("COMMITTED")) {
            throw MeshError.conflict("order " + orderId + " was released; it cannot reserve again");
          }
          return answer(orderId, existing); // a repeat changes nothing
        }
        JsonArray items = body.getJsonArray("items");
        List<String> unknown = new ArrayList<>();
        List<String> shortOf = new ArrayList<>();
        for (Object line : items) {
          JsonObject item = (JsonObject) line;
          long[] units = stock.get(item.getString("sku"));
          if (units == null) {
            unknown.add(item.getString("sku"));
          } else if (units[0] < item.getLong("quantity")) {
            shortOf.add(item.getString("sku"));
          }
        }
        if (!unknown.isEmpty()) {
          throw MeshError.notFound("no product with sku " + String.join(", ", unknown));
        }
        if (!shortOf.isEmpty()) {
          throw new MeshError(409, "insufficient_stock", "not enough stock for " + String.join(", ", shortOf), null);
        }
        move(items, 0, 1);
        Reservation reserved = new Reservation("RESERVED", items.copy());
        reservations.put(orderId, reserved);
        return answer(orderId, reserved);
      }
      case "release" -> {
        if (existing == null) {
          Reservation none = new Reservation("VOID", new JsonArray());
          reservations.put(orderId, none);
          return answer(orderId, none);
        }
        if (existing.state().equals("COMMITTED")) {
          throw MeshError.conflict("order " + orderId + " is committed; its stock is sold");
        }
        if (existing.state().equals("RESERVED")) {
          move(existing.items(), 1, 0);
          existing = new Reservation("RELEASED", existing.items());
          reservations.put(orderId, existing);
        }
        return answer(orderId, existing);
      }
      case "commit" -> {
        if (existing == null || existing.state().equals("VOID")) {
          throw MeshError.notFound("order " + orderId + " has no reservation to commit");
        }
        if (existing.state().equals("RELEASED")) {
          throw MeshError.conflict("order " + orderId + " was released; there is nothing left to commit");
        }
        if (existing.state().equals("RESERVED")) {
          move(existing.items(), 1, 2);
          existing = new Reservation("COMMITTED", existing.items());
          reservations.put(orderId, existing);
        }
        return answer(orderId, existing);
      }
      default -> throw MeshError.badRequest("unknown action " + action);
    }
  }

  @Override
  protected String key(JsonObject body) {
    return body.getString("orderId");
  }

  private void move(JsonArray items, int from, int to) {
    for (Object line : items) {
      JsonObject item = (JsonObject) line;
      long[] units = stock.get(item.getString("sku"));
      units[from] -= item.getLong("quantity");
      units[to] += item.getLong("quantity");
    }
  }

  private static JsonObject answer(String orderId, Reservation reservation) {
    return new JsonObject().put("orderId", orderId).put("status", reservation.state())
        .put("items", reservation.items().copy());
  }
}
