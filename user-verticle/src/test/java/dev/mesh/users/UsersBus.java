package dev.mesh.users;

import dev.mesh.common.testing.Bus;
import dev.mesh.contracts.UsersContract;
import dev.mesh.contracts.UsersContract.Action;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Talks to the users service the way the gateway and other services do: through the mesh's client, signed. */
final class UsersBus {

  private UsersBus() {
  }

  static Future<Message<JsonObject>> call(Vertx vertx, Action action, JsonObject body) {
    return Bus.call(vertx, action, body);
  }

  /** An action by name, for what the contract does not name (an unknown action). */
  static Future<Message<Object>> callNamed(Vertx vertx, String action, JsonObject body) {
    return Bus.client(vertx).call(UsersContract.SERVICE, action).as(Bus.OPERATOR).request(body);
  }

  static int status(Message<JsonObject> reply) {
    return Bus.status(reply);
  }

  /** The failure code of a failed request: the HTTP status the gateway would answer. */
  static int status(Throwable failure) {
    return Bus.status(failure);
  }

  /** The error JSON of a failed request. */
  static JsonObject error(Throwable failure) {
    return Bus.error(failure);
  }

  static String uniqueEmail() {
    return "user-" + UUID.randomUUID() + "@example.com";
  }

  static JsonObject newUser(String email, String name) {
    return new JsonObject().put("email", email).put("name", name);
  }
}
