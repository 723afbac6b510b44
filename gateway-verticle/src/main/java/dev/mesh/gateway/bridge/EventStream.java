package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshError;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /bridge/events?address=events.order.*}: events pushed down one open HTTP response, readable
 * by any HTTP client. Server-sent events by default ({@code id:}, {@code event: <address>},
 * {@code data: <json>}); with {@code format=ndjson} one JSON object per line. The stream starts with a
 * comment / a {@code {"subscribed": [...]}} line once every consumer is registered in the cluster, so a
 * reader knows from then on it misses nothing. A reader too slow to keep up is disconnected rather than
 * buffered without bound.
 */
final class EventStream {

  private static final Logger log = LoggerFactory.getLogger(EventStream.class);

  private final Vertx vertx;
  private final Subscriptions subscriptions;
  private final long pingMs;
  private final AtomicLong sequence = new AtomicLong();

  EventStream(Vertx vertx, Subscriptions subscriptions, long pingMs) {
    this.vertx = vertx;
    this.subscriptions = subscriptions;
    this.pingMs = pingMs;
  }

  void open(RoutingContext ctx) {
    List<String> requested = new ArrayList<>();
    ctx.queryParam("address").forEach(value -> Arrays.stream(value.split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).forEach(requested::add));
    String format = ctx.queryParams().get("format");
    if (format != null && !format.equals("sse") && !format.equals("ndjson")) {
      throw MeshError.badRequest("format is 'sse' (the default) or 'ndjson'");
    }
    boolean sse = !"ndjson".equals(format);
    List<String> addresses = subscriptions.resolve(requested);
    HttpServerResponse response = ctx.response();
    List<MessageConsumer<Object>> listening = new ArrayList<>();
    long[] pinger = {-1};
    Runnable stop = () -> {
      listening.forEach(MessageConsumer::unregister);
      listening.clear();
      vertx.cancelTimer(pinger[0]);
    };
    response.closeHandler(v -> stop.run());
    subscriptions.listen(addresses, message -> {
      if (response.closed() || response.ended()) {
        return;
      }
      if (response.writeQueueFull()) {
        log.warn("event stream reader {} is too slow; closing its stream", ctx.request().remoteAddress());
        stop.run();
        response.reset();
        return;
      }
      JsonObject event = Envelopes.event(message);
      long id = sequence.incrementAndGet();
      response.write(sse ? "id: " + id + "\nevent: " + message.address() + "\ndata: " + event.encode() + "\n\n"
          : event.put("id", id).encode() + "\n");
    }).onSuccess(consumers -> {
      if (response.closed()) {
        consumers.forEach(MessageConsumer::unregister);
        return;
      }
      listening.addAll(consumers);
      response.setChunked(true)
          .putHeader("Content-Type", sse ? "text/event-stream" : "application/x-ndjson")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      JsonObject subscribed = new JsonObject().put("subscribed", addresses);
      response.write(sse ? ": " + subscribed.encode() + "\n\n" : subscribed.encode() + "\n");
      // intermediaries drop idle connections; a comment (or an empty line) keeps the stream open
      pinger[0] = vertx.setPeriodic(pingMs, t -> {
        if (!response.closed()) {
          response.write(sse ? ": ping\n\n" : "\n");
        }
      });
    }).onFailure(ctx::fail);
  }
}
