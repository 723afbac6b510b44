package dev.mesh.common;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * One action a service answers on its address, and the HTTP route (if any) the gateway exposes for it.
 * A service lists its endpoints in one place, so a reader goes from route to handler in one hop.
 */
public record Endpoint(String action, String method, String path, Function<JsonObject, Future<Reply>> handler) {

  /** An action reachable on the event bus only. */
  public static Endpoint action(String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, null, null, handler);
  }

  public static Endpoint get(String path, String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, "GET", path, handler);
  }

  public static Endpoint post(String path, String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, "POST", path, handler);
  }

  public static Endpoint patch(String path, String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, "PATCH", path, handler);
  }

  public static Endpoint delete(String path, String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, "DELETE", path, handler);
  }

  public boolean routed() {
    return path != null;
  }

  public JsonObject routeJson() {
    return new JsonObject().put("method", method).put("path", path).put("action", action);
  }
}
