package dev.mesh.gateway.routing;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.common.Reply;
import dev.mesh.common.ServiceClient;
import dev.mesh.gateway.edge.RequestBodies;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * A Java service of the mesh: the request becomes the action's input (JSON body plus path and query
 * parameters as fields), sent to the service's address with the caller's identity headers; the reply is
 * the answer, with the expansions the client asked for embedded.
 */
public final class EventBusUpstream implements Upstream {

  private final ServiceClient client;
  private final Expander expander;

  /** {@code client} calls the route's service (guarded by the route's own breaker), {@code guarded} the expansions. */
  public EventBusUpstream(ServiceClient client, ServiceClient guarded) {
    this.client = client;
    this.expander = new Expander(guarded);
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
    return client.call(route.service(), route.action()).at(route.address()).as(caller).request(input).compose(reply -> {
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
