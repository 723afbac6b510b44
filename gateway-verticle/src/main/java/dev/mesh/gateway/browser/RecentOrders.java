package dev.mesh.gateway.browser;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last orders this gateway has seen go by on {@code events.order.*}, for a page that opens after
 * they happened: answered on {@link #READ_ADDRESS} as {@code {"items":[order, …]}}, newest first. The
 * orders service lists oldest first (a cursor from the start), so "the last ten" is kept here instead of
 * paging through every order. It starts empty with the gateway.
 */
final class RecentOrders {

  static final String READ_ADDRESS = "gateway.orders.recent";
  static final List<String> EVENTS = List.of("events.order.created", "events.order.confirmed",
      "events.order.rejected", "events.order.cancelled");
  static final int KEEP = 10;

  private final Vertx vertx;
  // by order id, in the order first seen; the eldest goes when there are more than KEEP
  private final Map<String, JsonObject> orders = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
      return size() > KEEP;
    }
  };
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  RecentOrders(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    EVENTS.forEach(address -> consumers.add(vertx.eventBus().<Object>consumer(address, this::remember)));
    consumers.add(vertx.eventBus().localConsumer(READ_ADDRESS, message -> message.reply(recent())));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  Future<Void> stop() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void remember(Message<Object> message) {
    if (!(message.body() instanceof JsonObject order)) {
      return;
    }
    String id = order.getString("orderId", order.getString("id"));
    if (id == null) {
      return;
    }
    JsonObject known = orders.get(id);
    // events come at least once: a late repeat of "created" must not take a settled order back to PENDING
    if (known != null && "PENDING".equals(order.getString("status")) && !"PENDING".equals(known.getString("status"))) {
      return;
    }
    orders.put(id, order.copy().put("orderId", id));
  }

  private JsonObject recent() {
    List<JsonObject> newestFirst = new ArrayList<>(orders.values());
    Collections.reverse(newestFirst);
    return new JsonObject().put("items", new JsonArray(new ArrayList<>(newestFirst)));
  }
}
