package dev.mesh.gateway.routing;

import dev.mesh.common.MeshError;
import dev.mesh.common.contract.SchemaCheck;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's validation step, just before the breaker and the forward: a request body that does not
 * meet the schema its route declared is answered 400 here, naming every bad field, and never reaches the
 * service. A route without a schema passes as it is. An absent body is checked as {@code {}}, which is
 * what the service would get. Schemas are compiled once, by their text: the route table is rebuilt on
 * every registry read, the schemas rarely change.
 */
public final class RequestValidation {

  // bounds the cache against services that register ever new schemas; a clear only costs recompiling
  private static final int MAX_SCHEMAS = 1000;

  private final Map<String, SchemaCheck> checks = new ConcurrentHashMap<>();

  /** Throws the 400 to answer, or returns when the body may go on. */
  public void check(RoutingContext ctx, ServiceRoute route) {
    JsonObject schema = route.bodySchema();
    if (schema == null) {
      return;
    }
    JsonObject problems = checkFor(schema).problems(body(ctx.body().buffer()));
    if (!problems.isEmpty()) {
      throw MeshError.invalid(problems);
    }
  }

  private SchemaCheck checkFor(JsonObject schema) {
    String key = schema.encode();
    SchemaCheck check = checks.get(key);
    if (check == null) {
      if (checks.size() >= MAX_SCHEMAS) {
        checks.clear();
      }
      check = checks.computeIfAbsent(key, k -> SchemaCheck.of(schema));
    }
    return check;
  }

  private static JsonObject body(Buffer buffer) {
    if (buffer == null || buffer.length() == 0) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = buffer.toJsonValue();
    } catch (DecodeException e) {
      parsed = null;
    }
    if (!(parsed instanceof JsonObject object)) {
      throw MeshError.badRequest("the request body must be a JSON object");
    }
    return object;
  }
}
