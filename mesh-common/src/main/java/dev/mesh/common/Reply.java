package dev.mesh.common;

import io.vertx.core.json.JsonObject;

/** A successful answer to an action: the body, and the HTTP status the gateway should use. */
public record Reply(int status, JsonObject body) {

  /** Reply header that carries the HTTP status over the event bus. */
  public static final String STATUS_HEADER = "status";

  public static Reply ok(JsonObject body) {
    return new Reply(200, body);
  }

  public static Reply created(JsonObject body) {
    return new Reply(201, body);
  }

  public static Reply accepted(JsonObject body) {
    return new Reply(202, body);
  }
}
