package dev.mesh.orders;

import dev.mesh.common.MeshError;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@code mesh.users} with the one action the saga uses, {@code get}: 404 for a user it does not know. */
final class StandInUsers extends StandInService {

  private final Set<String> users = ConcurrentHashMap.newKeySet();

  StandInUsers(Vertx vertx) {
    super(vertx, "mesh.users");
  }

  String addUser() {
    String id = UUID.randomUUID().toString();
    users.add(id);
    return id;
  }

  @Override
  protected JsonObject answer(String action, JsonObject body) {
    String id = body.getString("id");
    if (!"get".equals(action)) {
      throw MeshError.badRequest("unknown action " + action);
    }
    if (!users.contains(id)) {
      throw MeshError.notFound("user " + id + " not found");
    }
    return new JsonObject().put("id", id).put("email", "someone@example.com").put("name", "Someone");
  }

  @Override
  protected String key(JsonObject body) {
    return body.getString("id");
  }
}
