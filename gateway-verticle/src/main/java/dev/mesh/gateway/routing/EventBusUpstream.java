package dev.mesh.gateway.routing;

import dev.mesh.common.Breakers;
import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.gateway.edge.RequestBodies;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java service of the mesh: the request becomes the action's input (JSON body plus path and query
 * parameters as fields), sent to the service's address with the caller's identity headers; the reply is
 * the answer, with the expansions the client asked for embedded.
 */
public final class EventBusUpstream implements Upstream {

  /** How long a request that reached no handler is sent again while the registry lists instances. */
  private static final long NO_HANDLER_WINDOW_MS = 3_000;
  private static final long NO_HANDLER_BACKOFF_MS = 50;
  private static final long NO_HANDLER_MAX_BACKOFF_MS = 250;

  private final Vertx vertx;
  private final RouteTable table;
  private final long timeoutMs;
  private final Expander expander;

  public EventBusUpstream(Vertx vertx, RouteTable table, Breakers breakers, long timeoutMs) {
    this.vertx = vertx;
    this.table = table;
    this.timeoutMs = timeoutMs;
    this.expander = new Expander(vertx, breakers, timeoutMs);
  }

  @Override
  public Future<Void> forward(RoutingContext ctx, RouteTable.Match match, Caller caller) {
    ServiceRoute route = match.route();
    JsonObject input;
    List<JsonObject> expansions;
    try {
      input = input(ctx, route, match.params());
      String expand = route.expansions().isEmpty() ? null : ctx.queryParams().get(Expander.QUERY);
      expansions = expand == null ? List.of() : Expander.requested(route, expand);
    } catch (MeshError e) {
      return Future.failedFuture(e);
    }
    DeliveryOptions delivery = caller.addTo(new DeliveryOptions()
        .addHeader(MeshService.ACTION_HEADER, route.action())
        .setSendTimeout(timeoutMs));
    return request(route.service(), route.address(), input, delivery, 1).compose(reply -> {
      if (expansions.isEmpty() || !(reply.body() instanceof JsonObject body)) {
        respond(ctx, reply);
        return Future.succeededFuture();
      }
      // an expansion's failure is embedded in place: the answer as a whole still comes
      return expander.expand(body, expansions, caller).transform(done -> {
        respond(ctx, reply);
        return Future.succeededFuture();
      });
    });
  }

  /**
   * The request, to one instance the registry lists as serving (its own address, round-robin; the
   * service's shared address for an instance that names none). An instance that stops unpublishes its
   * record and goes on serving a while, so this gateway stops choosing it before it leaves its address
   * (see MeshService#stop). Sent again, to the next instance, when it reached no handler while the
   * registry still lists instances: a new instance's record can reach this gateway before its
   * subscription does (both travel the cluster on their own), and an instance may have left before this
   * gateway saw its record go. No handler ran, so sending again is safe for any action; it stops after
   * {@value #NO_HANDLER_WINDOW_MS} ms, within the request's timeout.
   */
  private Future<Message<Object>> request(String service, String address, JsonObject input, DeliveryOptions delivery,
      int attempt) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
        Math.min(NO_HANDLER_WINDOW_MS, timeoutMs / 2));
    return request(service, address, input, delivery, attempt, deadline);
  }

  private Future<Message<Object>> request(String service, String address, JsonObject input, DeliveryOptions delivery,
      int attempt, long deadline) {
    String instance = table.instanceAddress(service);
    return vertx.eventBus().<Object>request(instance == null ? address : instance, input, delivery).recover(failure -> {
      boolean noHandler = failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
      long backoff = Math.min(NO_HANDLER_BACKOFF_MS * attempt, NO_HANDLER_MAX_BACKOFF_MS);
      boolean inWindow = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) < deadline;
      if (!noHandler || !inWindow || table.instances(service) == 0) {
        return Future.failedFuture(failure);
      }
      return vertx.timer(backoff).compose(t -> request(service, address, input, delivery, attempt + 1, deadline));
    });
  }

  private static void respond(RoutingContext ctx, Message<Object> reply) {
    String status = reply.headers().get(Reply.STATUS_HEADER);
    Object body = reply.body();
    ctx.response()
        .setStatusCode(status == null ? 200 : Integer.parseInt(status))
        .putHeader("Content-Type", "application/json")
        .end(body == null ? "{}" : body instanceof JsonObject json ? json.encode() : body.toString());
  }

  /**
   * The action's input: the JSON body, plus path and query parameters and the headers the route names,
   * none of which may contradict the body. {@code expand} is the gateway's own when the route offers it.
   */
  static JsonObject input(RoutingContext ctx, ServiceRoute route, Map<String, String> pathParams) {
    JsonObject input = body(ctx);
    pathParams.forEach((name, value) -> add(input, name, value, "path"));
    MultiMap query = ctx.queryParams();
    for (String name : query.names()) {
      if (query.getAll(name).size() > 1) {
        throw MeshError.badRequest("query parameter '" + name + "' is given more than once");
      }
      if (!(name.equals(Expander.QUERY) && !route.expansions().isEmpty())) {
        add(input, name, query.get(name), "query");
      }
    }
    route.headers().forEach(header -> {
      if (Caller.FIELD.equals(header.getValue())) {
        return; // the caller's identity comes from the token, never from a header
      }
      String value = ctx.request().getHeader(header.getKey());
      if (value != null) {
        add(input, String.valueOf(header.getValue()), value, "header " + header.getKey());
      }
    });
    return input;
  }

  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body().buffer() == null || ctx.body().buffer().length() == 0) {
      return new JsonObject();
    }
    JsonObject parsed = RequestBodies.jsonObject(ctx);
    if (parsed == null) {
      throw MeshError.badRequest("the request body must be a JSON object");
    }
    return parsed;
  }

  private static void add(JsonObject input, String name, String value, String where) {
    Object existing = input.getValue(name);
    if (existing != null && !String.valueOf(existing).equals(value)) {
      throw MeshError.badRequest("'" + name + "' in the " + where + " contradicts the body");
    }
    if (existing == null) {
      input.put(name, value);
    }
  }
}
