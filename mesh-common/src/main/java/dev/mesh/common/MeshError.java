package dev.mesh.common;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The one error model of the mesh. On the event bus it travels as a {@link ReplyException} whose
 * failure code is the HTTP status and whose message is this error as JSON; the gateway writes that
 * JSON as the HTTP body, unchanged. Shape: {@code {"status":404,"error":"not_found","message":"...",
 * "fields":{"email":"..."}}} with {@code fields} only for validation errors.
 */
public final class MeshError extends RuntimeException {

  private final int status;
  private final String error;
  private final JsonObject fields;

  public MeshError(int status, String error, String message, JsonObject fields) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
    this.fields = fields;
  }

  public static MeshError badRequest(String message) {
    return new MeshError(400, "bad_request", message, null);
  }

  public static MeshError invalid(JsonObject fields) {
    return new MeshError(400, "invalid", "the request has invalid fields", fields);
  }

  /** No or no valid credential; the gateway adds {@code WWW-Authenticate}. */
  public static MeshError unauthorized(String message) {
    return new MeshError(401, "unauthorized", message, null);
  }

  /** A valid caller whom the route's rules or the service refuse. */
  public static MeshError forbidden(String message) {
    return new MeshError(403, "forbidden", message, null);
  }

  public static MeshError notFound(String message) {
    return new MeshError(404, "not_found", message, null);
  }

  public static MeshError conflict(String message) {
    return new MeshError(409, "conflict", message, null);
  }

  public static MeshError unavailable(String message) {
    return new MeshError(503, "unavailable", message, null);
  }

  public static MeshError timeout(String message) {
    return new MeshError(504, "timeout", message, null);
  }

  public static MeshError internal(String message) {
    return new MeshError(500, "internal", message, null);
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public JsonObject fields() {
    return fields;
  }

  public MeshError withFields(JsonObject extra) {
    return new MeshError(status, error, getMessage(), extra);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("status", status).put("error", error).put("message", getMessage());
    if (fields != null && !fields.isEmpty()) {
      json.put("fields", fields);
    }
    return json;
  }

  public ReplyException toReplyException() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, status, toJson().encode());
  }

  /**
   * Reads any failure of an event-bus request as a mesh error: a service's own answer keeps its status;
   * no handler is the mesh's fault (503), a timeout is 504.
   */
  public static MeshError from(Throwable failure) {
    if (failure instanceof MeshError error) {
      return error;
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> unavailable("no instance is serving this request");
        case TIMEOUT -> timeout("the service did not answer in time");
        default -> parse(reply.failureCode(), reply.getMessage());
      };
    }
    if (failure instanceof io.vertx.circuitbreaker.OpenCircuitException) {
      return unavailable("the service is failing; its circuit breaker is open");
    }
    return internal("unexpected failure");
  }

  private static MeshError parse(int code, String message) {
    int status = code >= 400 && code <= 599 ? code : 500;
    try {
      JsonObject json = new JsonObject(message);
      return new MeshError(status, json.getString("error", "error"), json.getString("message", ""),
          json.getJsonObject("fields"));
    } catch (RuntimeException notJson) {
      return new MeshError(status, status >= 500 ? "internal" : "error", message == null ? "" : message, null);
    }
  }
}
