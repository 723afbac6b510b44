package dev.mesh.gateway.browser;

import dev.mesh.gateway.observe.SlidingWindow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The figures behind the dashboard's charts. Every period it takes a snapshot of the requests this
 * gateway answered per service over the last {@link #REQUEST_WINDOW_S} seconds (from the
 * {@link dev.mesh.gateway.observe.RequestObserver}'s window) and of the sagas that ended over the last
 * {@link #SAGA_WINDOW_S} seconds (from {@code events.order.confirmed|rejected|cancelled}); it publishes
 * the snapshot on {@link #EVENT_ADDRESS} while a browser is connected, and keeps the last
 * {@link #HISTORY} for a page that opens later ({@link #READ_ADDRESS}: {@code {"items":[snapshot, …]}},
 * oldest first). Public figures only: service names, outcomes and numbers, never an id.
 *
 * <p>Shape: {@code {"at":…, "windowSeconds":10, "services":[{"name":"users","perSecond":1.5,
 * "p99Ms":12.3,"errorRatio":0.0,"requests":15}], "sagas":{"windowSeconds":60,"confirmed":2,
 * "rejected":0,"cancelled":1}}}; {@code p99Ms} is absent when nothing was timed. Errors are answers of
 * 500 and above: the mesh failed, not the client.
 */
final class LiveStats {

  static final String READ_ADDRESS = "gateway.stats";
  static final String EVENT_ADDRESS = "events.mesh.stats";
  static final int REQUEST_WINDOW_S = 10;
  static final int SAGA_WINDOW_S = 60;
  /** Snapshots kept for a page that opens: five minutes at the default period. */
  static final int HISTORY = 150;
  static final List<String> OUTCOMES = List.of("confirmed", "rejected", "cancelled");
  private static final int REMEMBERED_EVENTS = 1000;

  private final Vertx vertx;
  private final SlidingWindow requests;
  private final SlidingWindow sagas;
  private final IntSupplier listeners;
  private final Deque<JsonObject> history = new ArrayDeque<>();
  // events come at least once: an outcome is counted once per eventId
  private final LinkedHashSet<String> seenEvents = new LinkedHashSet<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long timer = -1;

  LiveStats(Vertx vertx, SlidingWindow requests, IntSupplier listeners) {
    this.vertx = vertx;
    this.requests = requests;
    this.sagas = new SlidingWindow(SAGA_WINDOW_S, System::currentTimeMillis);
    this.listeners = listeners;
  }

  Future<Void> start(long periodMs) {
    OUTCOMES.forEach(outcome -> consumers.add(vertx.eventBus().<Object>consumer("events.order." + outcome,
        message -> ended(outcome, message))));
    consumers.add(vertx.eventBus().localConsumer(READ_ADDRESS,
        message -> message.reply(new JsonObject().put("items", new JsonArray(new ArrayList<>(history))))));
    // snapshots are taken whether or not a browser watches, so that a page that opens has the last minutes
    timer = vertx.setPeriodic(periodMs, id -> tick());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  Future<Void> stop() {
    vertx.cancelTimer(timer);
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void ended(String outcome, Message<Object> message) {
    if (message.body() instanceof JsonObject event) {
      String eventId = event.getString("eventId");
      if (eventId != null && !seenEvents.add(eventId)) {
        return;
      }
      if (seenEvents.size() > REMEMBERED_EVENTS) {
        seenEvents.remove(seenEvents.iterator().next());
      }
      sagas.record(outcome, -1, false);
    }
  }

  private void tick() {
    JsonObject snapshot = snapshot();
    history.addLast(snapshot);
    if (history.size() > HISTORY) {
      history.removeFirst();
    }
    if (listeners.getAsInt() > 0) {
      // each gateway tells its own browsers what it saw itself
      vertx.eventBus().publish(EVENT_ADDRESS, snapshot, new DeliveryOptions().setLocalOnly(true));
    }
  }

  JsonObject snapshot() {
    JsonArray services = new JsonArray();
    requests.figures().forEach((name, f) -> {
      JsonObject service = new JsonObject().put("name", name)
          .put("perSecond", round(f.perSecond()))
          .put("errorRatio", round(f.errorRatio()))
          .put("requests", f.count());
      if (!Double.isNaN(f.p99Ms())) {
        service.put("p99Ms", round(f.p99Ms()));
      }
      services.add(service);
    });
    Map<String, SlidingWindow.Figures> ended = sagas.figures();
    JsonObject outcomes = new JsonObject().put("windowSeconds", sagas.seconds());
    OUTCOMES.forEach(o -> outcomes.put(o, ended.containsKey(o) ? ended.get(o).count() : 0L));
    return new JsonObject()
        .put("at", System.currentTimeMillis())
        .put("windowSeconds", requests.seconds())
        .put("services", services)
        .put("sagas", outcomes);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
