package dev.mesh.gateway.routing;

import dev.mesh.common.RoutePolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * An HTTP route a service asked the gateway to expose: method and path template ({@code :name} matches
 * one segment), forwarded to the service's address with the given action. {@code extras} holds what
 * else the service asked for: headers passed as input fields, expansions (see Endpoint in mesh-common).
 */
public record ServiceRoute(String service, String address, String method, String path, String action,
    JsonObject extras) {

  /** Request header name to input field name. */
  public JsonObject headers() {
    return extras.getJsonObject("headers", new JsonObject());
  }

  /** Who may call it, as the service declared; authenticated when it declared nothing. */
  public RoutePolicy policy() {
    return RoutePolicy.of(extras);
  }

  /** The rate-limit class the route declares, or null for the method's default. */
  public String rateClass() {
    return policy().limit();
  }

  public JsonArray expansions() {
    return extras.getJsonArray("expand", new JsonArray());
  }

  /** The JSON Schema the request body must meet, or null when the route declares none. */
  public JsonObject bodySchema() {
    return extras.getValue("body") instanceof JsonObject schema ? schema : null;
  }

  /** The route's contract as the service declared it: summary, query parameters, responses. */
  public String summary() {
    return extras.getValue("summary") instanceof String text ? text : null;
  }

  public JsonArray query() {
    return extras.getValue("query") instanceof JsonArray query ? query : new JsonArray();
  }

  public JsonObject responses() {
    return extras.getValue("responses") instanceof JsonObject responses ? responses : new JsonObject();
  }

  /** Path parameters when this route matches, or null. */
  public Map<String, String> match(String requestMethod, String[] segments) {
    if (!method.equals(requestMethod)) {
      return null;
    }
    String[] template = split(path);
    if (template.length != segments.length) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < template.length; i++) {
      if (template[i].startsWith(":")) {
        params.put(template[i].substring(1), segments[i]);
      } else if (!template[i].equals(segments[i])) {
        return null;
      }
    }
    return params;
  }

  /** Literal segments outrank parameters, so {@code /api/users/info} wins over {@code /api/users/:id}. */
  int specificity() {
    int literal = 0;
    for (String segment : split(path)) {
      if (!segment.startsWith(":")) {
        literal++;
      }
    }
    return literal;
  }

  static String[] split(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
  }
}
