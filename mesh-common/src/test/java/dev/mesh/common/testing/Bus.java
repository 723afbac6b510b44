package dev.mesh.common.testing;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import dev.mesh.common.Reply;
import dev.mesh.common.ServiceClient;
import dev.mesh.common.contract.ActionContract;
import dev.mesh.common.identity.Identities;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Calls a service on the event bus the way the mesh does, through the service client with a signed
 * identity: as an operator unless a test says who. Use it after the service is deployed on the same
 * Vert.x (the identity key is then the one the service uses).
 */
public final class Bus {

  /** An operator: the role admin, which every policy of the shop allows. */
  public static final Caller OPERATOR = Caller.of("test-operator", List.of(Caller.ADMIN), List.of());
  /** A deadline no loaded machine reaches: tests are about answers, not time. */
  private static final long TIMEOUT_MS = 60_000;

  private Bus() {
  }

  public static ServiceClient client(Vertx vertx) {
    return new ServiceClient(vertx, Identities.of(vertx, MeshConfig.of(new JsonObject())), "test", null, TIMEOUT_MS);
  }

  public static Future<Message<JsonObject>> call(Vertx vertx, ActionContract action, JsonObject body) {
    return call(vertx, action, body, OPERATOR);
  }

  @SuppressWarnings("unchecked")
  public static Future<Message<JsonObject>> call(Vertx vertx, ActionContract action, JsonObject body, Caller as) {
    return client(vertx).call(action).as(as).request(body).map(reply -> (Message<JsonObject>) (Message<?>) reply);
  }

  /** The reply body, or the failure's status and error as {@code {"failed":status,"error":{...}}}. */
  public static Future<JsonObject> outcome(Vertx vertx, ActionContract action, JsonObject body) {
    return call(vertx, action, body).map(Message::body)
        .recover(failure -> Future.succeededFuture(new JsonObject()
            .put("failed", status(failure)).put("error", error(failure))));
  }

  public static int status(Message<?> reply) {
    return Integer.parseInt(reply.headers().get(Reply.STATUS_HEADER));
  }

  /** The status of a failed call: the HTTP status the gateway would answer. */
  public static int status(Throwable failure) {
    return MeshError.from(failure).status();
  }

  /** The error JSON of a failed call. */
  public static JsonObject error(Throwable failure) {
    return MeshError.from(failure).toJson();
  }
}
