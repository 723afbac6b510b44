package dev.mesh.gateway.openapi;

import dev.mesh.common.RoutePolicy;
import dev.mesh.gateway.routing.ServiceRoute;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The mesh described as OpenAPI 3.1, from the routes that are live right now: every route of every
 * service with an instance, Java or foreign, with the contract its service declared (summary, body
 * schema, query parameters, responses). Paths are in OpenAPI form ({@code /api/users/{id}}), operation
 * ids are {@code <service>.<action>}, and every error answer refers to the one error shape in
 * {@code components}. Built on each request: it costs microseconds and is never stale.
 */
public final class OpenApiDocument {

  static final String ERROR = "#/components/schemas/Error";
  private static final String JSON = "application/json";

  private OpenApiDocument() {
  }

  public static JsonObject build(List<ServiceRoute> routes, String version) {
    Map<String, JsonObject> paths = new TreeMap<>();
    Set<String> services = new TreeSet<>();
    Set<String> operationIds = new HashSet<>();
    for (ServiceRoute route : routes) {
      String path = openApiPath(route.path());
      JsonObject item = paths.computeIfAbsent(path, p -> new JsonObject());
      String method = route.method().toLowerCase();
      if (item.containsKey(method)) {
        continue; // two instances (or versions) of one service: the most specific record came first
      }
      item.put(method, operation(route, uniqueId(operationId(route), operationIds)));
      services.add(route.service());
    }
    JsonObject pathsJson = new JsonObject();
    paths.forEach(pathsJson::put);
    JsonArray tags = new JsonArray();
    services.forEach(service -> tags.add(new JsonObject().put("name", service)
        .put("description", "routes of the " + service + " service")));
    return new JsonObject()
        .put("openapi", "3.1.0")
        .put("info", new JsonObject()
            .put("title", "mesh")
            .put("version", version)
            .put("description", "Every route the mesh serves right now, built live from its registry: a service"
                + " that joins appears here, one that leaves is gone. Request bodies are checked against"
                + " these schemas at the gateway. Errors always have the shape of `Error`."))
        .put("tags", tags)
        .put("paths", pathsJson)
        .put("components", Components.json());
  }

  private static JsonObject operation(ServiceRoute route, String operationId) {
    JsonObject operation = new JsonObject()
        .put("operationId", operationId)
        .put("tags", new JsonArray().add(route.service()));
    if (route.summary() != null) {
      operation.put("summary", route.summary());
    }
    JsonArray parameters = parameters(route);
    if (!parameters.isEmpty()) {
      operation.put("parameters", parameters);
    }
    JsonObject body = route.bodySchema();
    if (body != null) {
      JsonArray required = body.getJsonArray("required");
      operation.put("requestBody", new JsonObject()
          .put("required", required != null && !required.isEmpty())
          .put("content", new JsonObject().put(JSON, new JsonObject().put("schema", body.copy()))));
    }
    RoutePolicy policy = route.policy();
    operation.put("security", security(policy));
    if (!policy.scopes().isEmpty()) {
      operation.put("x-mesh-scopes", new JsonArray(List.copyOf(new TreeSet<>(policy.scopes()))));
    }
    operation.put("responses", responses(route, body != null, policy.open()));
    return operation;
  }

  /**
   * As the gateway's Authorize step enforces it: a public route needs nothing ({@code []}); any other a
   * bearer JWT, with the roles it requires (OpenAPI 3.1 lets a non-OAuth scheme list role names).
   */
  private static JsonArray security(RoutePolicy policy) {
    if (policy.open()) {
      return new JsonArray();
    }
    JsonArray roles = new JsonArray(List.copyOf(new TreeSet<>(policy.roles())));
    return new JsonArray().add(new JsonObject().put(Components.BEARER, roles));
  }

  private static JsonArray parameters(ServiceRoute route) {
    JsonArray parameters = new JsonArray();
    for (String segment : route.path().split("/")) {
      if (segment.startsWith(":")) {
        parameters.add(new JsonObject().put("name", segment.substring(1)).put("in", "path").put("required", true)
            .put("schema", new JsonObject().put("type", "string")));
      }
    }
    for (Object item : route.query()) {
      if (item instanceof JsonObject declared) {
        JsonObject parameter = new JsonObject().put("name", declared.getString("name")).put("in", "query")
            .put("required", false)
            .put("schema", declared.getJsonObject("schema", new JsonObject().put("type", "string")).copy());
        if (declared.getString("description") != null) {
          parameter.put("description", declared.getString("description"));
        }
        parameters.add(parameter);
      }
    }
    if (!route.expansions().isEmpty()) {
      List<String> names = route.expansions().stream()
          .map(e -> ((JsonObject) e).getString("name")).toList();
      parameters.add(new JsonObject().put("name", "expand").put("in", "query").put("required", false)
          .put("description", "comma-separated related records to embed: " + String.join(", ", names))
          .put("schema", new JsonObject().put("type", "string")));
    }
    route.headers().forEach(header -> parameters.add(new JsonObject().put("name", header.getKey())
        .put("in", "header").put("required", false)
        .put("description", "given to the action as its input field '" + header.getValue() + "'")
        .put("schema", new JsonObject().put("type", "string"))));
    return parameters;
  }

  /** The route's own answers, then the errors any route may give, each in the mesh's error shape. */
  private static JsonObject responses(ServiceRoute route, boolean hasBody, boolean open) {
    JsonObject responses = new JsonObject();
    boolean success = false;
    for (Map.Entry<String, Object> declared : route.responses()) {
      String description = declared.getValue() instanceof JsonObject answer
          ? answer.getString("description", "") : String.valueOf(declared.getValue());
      int status = Integer.parseInt(declared.getKey());
      success |= status < 400;
      JsonObject schema = status < 400 ? new JsonObject().put("type", "object")
          : new JsonObject().put("$ref", ERROR);
      responses.put(declared.getKey(), new JsonObject().put("description", description)
          .put("content", new JsonObject().put(JSON, new JsonObject().put("schema", schema))));
    }
    if (!success) {
      responses.put("200", new JsonObject().put("description", "the service's answer"));
    }
    Components.commonErrors(hasBody, open).forEach((status, ref) -> {
      if (!responses.containsKey(status)) {
        responses.put(status, new JsonObject().put("$ref", ref));
      }
    });
    return new JsonObject(new TreeMap<>(responses.getMap()));
  }

  /** {@code /api/users/:id} is {@code /api/users/{id}}. */
  static String openApiPath(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (out.length() > 0 || !segment.isEmpty()) {
        out.append('/');
      }
      out.append(segment.startsWith(":") ? "{" + segment.substring(1) + "}" : segment);
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  /** {@code users.create}; a foreign route that named no action gets one from its method and path. */
  private static String operationId(ServiceRoute route) {
    if (route.action() != null) {
      return route.service() + "." + route.action();
    }
    StringBuilder id = new StringBuilder(route.method().toLowerCase());
    String prefix = "/api/" + route.service();
    String rest = route.path().startsWith(prefix) ? route.path().substring(prefix.length()) : route.path();
    for (String segment : rest.split("/")) {
      if (!segment.isEmpty()) {
        id.append('_').append(segment.startsWith(":") ? "by_" + segment.substring(1) : segment);
      }
    }
    return route.service() + "." + id;
  }

  private static String uniqueId(String id, Set<String> taken) {
    String unique = id;
    for (int n = 2; !taken.add(unique); n++) {
      unique = id + "_" + n;
    }
    return unique;
  }
}
