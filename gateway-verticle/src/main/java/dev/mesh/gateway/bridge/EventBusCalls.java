package dev.mesh.gateway.bridge;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.common.MeshService;
import dev.mesh.common.ServiceClient;
import dev.mesh.gateway.edge.RequestBodies;
import java.util.function.Function;
import dev.mesh.common.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Calls into the mesh for HTTP clients: {@code POST /bridge/request} (request-reply with a timeout),
 * {@code /bridge/send} (fire-and-forget to one consumer) and {@code /bridge/publish} (to all). The body
 * is {@code {address, action?, headers?, body?, timeoutMs?}}; the address must pass the send or publish
 * rules. A request answers with the reply body and the reply's status (200 unless the service said
 * otherwise); a failed request answers with the service's or the mesh's error, as the gateway does.
 */
final class EventBusCalls {

  private static final long MAX_TIMEOUT_MS = 60_000;

  private final Vertx vertx;
  private final ServiceClient client;
  private final AddressRules rules;
  private final long defaultTimeoutMs;

  EventBusCalls(Vertx vertx, ServiceClient client, BridgeSettings settings) {
    this.vertx = vertx;
    this.client = client;
    this.rules = settings.rules();
    this.defaultTimeoutMs = settings.forwardTimeoutMs();
  }

  /** {@code ownerOf} names the foreign service that serves an address, which other services may not call. */
  void request(RoutingContext ctx, Function<String, String> ownerOf) {
    Call call = Call.read(ctx, defaultTimeoutMs);
    rules.check(AddressRules.Kind.SEND, call.address);
    checkScope(ctx, call.address, ownerOf);
    call.of(client, BridgeCaller.of(ctx).identity()).timeout(call.timeoutMs).request(call.body)
        .onSuccess(reply -> respond(ctx, reply))
        .onFailure(ctx::fail);
  }

  void send(RoutingContext ctx, Function<String, String> ownerOf) {
    Call call = Call.read(ctx, defaultTimeoutMs);
    rules.check(AddressRules.Kind.SEND, call.address);
    checkScope(ctx, call.address, ownerOf);
    call.of(client, BridgeCaller.of(ctx).identity()).send(call.body);
    ctx.response().setStatusCode(202);
    ctx.json(new JsonObject().put("address", call.address).put("sent", true));
  }

  void publish(RoutingContext ctx) {
    Call call = Call.read(ctx, defaultTimeoutMs);
    rules.check(AddressRules.Kind.PUBLISH, call.address);
    vertx.eventBus().publish(call.address, call.body, call.delivery());
    ctx.response().setStatusCode(202);
    ctx.json(new JsonObject().put("address", call.address).put("published", true));
  }

  private static void checkScope(RoutingContext ctx, String address, Function<String, String> ownerOf) {
    String owner = ownerOf.apply(address);
    if (!BridgeCaller.of(ctx).maySendTo(address, owner)) {
      throw MeshError.forbidden("'" + address + "' is served by the foreign service '" + owner
          + "'; the operator grants access with BRIDGE_GRANTS");
    }
  }

  private static void respond(RoutingContext ctx, Message<Object> reply) {
    String status = reply.headers().get(Reply.STATUS_HEADER);
    Object body = reply.body();
    ctx.response()
        .setStatusCode(status == null ? 200 : Integer.parseInt(status))
        .putHeader("Content-Type", "application/json")
        .end(body == null ? "{}" : body instanceof JsonObject json ? json.encode() : String.valueOf(Envelopes.jsonValue(body)));
  }

  /** One call's input, validated: a 400 says exactly which field is wrong. */
  private record Call(String address, String action, JsonObject headers, JsonObject body, long timeoutMs) {

    static Call read(RoutingContext ctx, long defaultTimeoutMs) {
      JsonObject json = RequestBodies.jsonObject(ctx);
      if (json == null) {
        throw MeshError.badRequest("the request body must be a JSON object such as {\"address\": \"mesh.users\","
            + " \"action\": \"get\", \"body\": {}}");
      }
      JsonObject problems = new JsonObject();
      String address = json.getValue("address") instanceof String a && !a.isBlank() ? a : null;
      if (address == null) {
        problems.put("address", "required: the event-bus address");
      } else if (!AddressRules.wellFormed(address)) {
        problems.put("address", "must be " + AddressRules.ADDRESS_SHAPE);
        address = null;
      }
      Object action = json.getValue("action");
      if (action != null && !(action instanceof String)) {
        problems.put("action", "must be a string");
      }
      Object headers = json.getValue("headers");
      if (headers != null && !(headers instanceof JsonObject)) {
        problems.put("headers", "must be an object of string values");
      }
      Object body = json.getValue("body");
      if (body != null && !(body instanceof JsonObject)) {
        problems.put("body", "must be a JSON object");
      }
      Object timeout = json.getValue("timeoutMs");
      long timeoutMs = defaultTimeoutMs;
      if (timeout != null) {
        if (timeout instanceof Number n && n.longValue() > 0 && n.longValue() <= MAX_TIMEOUT_MS) {
          timeoutMs = n.longValue();
        } else {
          problems.put("timeoutMs", "must be a number of milliseconds from 1 to " + MAX_TIMEOUT_MS);
        }
      }
      if (!problems.isEmpty()) {
        throw MeshError.invalid(problems);
      }
      return new Call(address, (String) action, (JsonObject) headers,
          body == null ? new JsonObject() : (JsonObject) body, timeoutMs);
    }

    /**
     * The call through the mesh's client, signed as the bridge acting for {@code identity}; the client
     * drops a bridge client's look-alikes of the identity header.
     */
    ServiceClient.Call of(ServiceClient client, Caller identity) {
      return client.sentBy(identity.service()).call(null, action).at(address).headers(extraHeaders()).as(identity);
    }

    /** Published events are not calls: they carry the client's headers and the action, nothing else. */
    DeliveryOptions delivery() {
      DeliveryOptions options = extraHeaders();
      if (action != null) {
        options.addHeader(MeshService.ACTION_HEADER, action);
      }
      return options;
    }

    private DeliveryOptions extraHeaders() {
      DeliveryOptions options = new DeliveryOptions();
      if (headers != null) {
        // identity headers are the gateway's to set: a bridge client's look-alikes are dropped
        headers.stream().filter(h -> !Caller.HEADERS.contains(h.getKey().toLowerCase(java.util.Locale.ROOT)))
            .forEach(h -> options.addHeader(h.getKey(), String.valueOf(h.getValue())));
      }
      return options;
    }
  }
}
