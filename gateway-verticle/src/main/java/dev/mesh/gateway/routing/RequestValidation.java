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
 * The pipeline's validation step, just before the breaker and the forward: a request whose body or
 * declared query parameters do not meet the schemas its route declared is answered 400 here, naming
 * every bad field, and never reaches the service. A route without a schema passes as it is. An absent
 * body is checked as {@code {}}, which is what the service would get; a query value is read as the type
 * its schema names ({@code limit=5} is the integer 5). Schemas are compiled once, by their text: the
 * route table is rebuilt on every registry read, the schemas rarely change.
 */
public final class RequestValidation {

  // bounds the cache against services that register ever new schemas; a clear only costs recompiling
  private static final int MAX_SCHEMAS = 1000;

  private final Map<String, SchemaCheck> checks = new ConcurrentHashMap<>();

  /** Throws the 400 to answer, or returns when the body may go on. */
  public void check(RoutingContext ctx, ServiceRoute route) {
    JsonObject schema = route.bodySchema();
    JsonObject problems = schema == null ? new JsonObject() : checkFor(schema).problems(body(ctx.body().buffer()));
    for (Object item : route.query()) {
      if (item instanceof JsonObject parameter && parameter.getValue("schema") instanceof JsonObject valueSchema) {
        String raw = ctx.queryParams().get(parameter.getString("name"));
        JsonObject refused = raw == null ? new JsonObject() : checkFor(valueSchema).problems(typed(raw, valueSchema));
        if (!refused.isEmpty() && !problems.containsKey(parameter.getString("name"))) {
          problems.put(parameter.getString("name"), refused.iterator().next().getValue());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw MeshError.invalid(problems);
    }
  }

  /** A query value as the type its schema names; left a string when it is not one (the schema says so). */
  private static Object typed(String raw, JsonObject schema) {
    Object type = schema.getValue("type");
    if ("integer".equals(type) && raw.matches("-?[0-9]{1,18}")) {
      return Long.parseLong(raw);
    }
    if ("number".equals(type) && raw.matches("-?[0-9]{1,18}(\\.[0-9]{1,18})?")) {
      return Double.parseDouble(raw);
    }
    if ("boolean".equals(type) && (raw.equals("true") || raw.equals("false"))) {
      return Boolean.parseBoolean(raw);
    }
    return raw;
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
