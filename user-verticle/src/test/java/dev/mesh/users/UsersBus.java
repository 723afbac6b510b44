package dev.mesh.users;

import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.contracts.UsersContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Talks to {@code mesh.users} the way the gateway and other services do: a request with an action header. */
final class UsersBus {

  private UsersBus() {
  }

  static Future<Message<JsonObject>> call(Vertx vertx, String action, JsonObject body) {
    return vertx.eventBus().request(UsersContract.ADDRESS, body,
        new DeliveryOptions().addHeader(MeshService.ACTION_HEADER, action).setSendTimeout(20_000));
  }

  static int status(Message<JsonObject> reply) {
    return Integer.parseInt(reply.headers().get(Reply.STATUS_HEADER));
  }

  /** The failure code of a failed request: the HTTP status the gateway would answer. */
  static int status(Throwable failure) {
    return ((ReplyException) failure).failureCode();
  }

  /** The error JSON of a failed request. */
  static JsonObject error(Throwable failure) {
    return new JsonObject(failure.getMessage());
  }

  static String uniqueEmail() {
    return "user-" + UUID.randomUUID() + "@example.com";
  }

  static JsonObject newUser(String email, String name) {
    return new JsonObject().put("email", email).put("name", name);
  }
}
