package dev.mesh.common;

import dev.mesh.common.contract.ActionContract;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * One action a service answers on its address, and the HTTP route (if any) the gateway exposes for it.
 * A service lists its endpoints in one place, so a reader goes from route to handler in one hop.
 * The route's extra metadata tells the gateway what else to do for it: which request headers become
 * input fields ({@link #withHeader}), which related records a client may embed ({@link #withExpansion}) and
 * who may call it ({@link #open}, {@link #requireRoles}; a route that says nothing needs a valid token).
 */
public record Endpoint(String action, String method, String path, Function<JsonObject, Future<Reply>> handler,
    JsonObject routeExtras) {

  // The route's contract, which the gateway publishes at /openapi.json and enforces before a request
  // reaches the service (see the contract methods at the end of this class).
  /** Route metadata key: one line saying what the route does. */
  public static final String SUMMARY = "summary";
  /** Route metadata key: the JSON Schema (2020-12) of the request body; the gateway refuses a body that fails it. */
  public static final String BODY = "body";
  /** Route metadata key: {@code [{"name", "description", "schema"}]}, the query parameters the action reads. */
  public static final String QUERY = "query";
  /** Route metadata key: {@code {"201": {"description": ...}}}, the answers the route gives. */
  public static final String RESPONSES = "responses";

  /** Route metadata key: {@code {"Header-Name": "inputField"}}. */
  public static final String HEADERS = "headers";
  /** Route metadata key: the expansions a client may ask for with {@code ?expand=a,b}. */
  public static final String EXPAND = "expand";
  /** Route metadata key: the route's access policy, read by the gateway (see {@link RoutePolicy}). */
  public static final String AUTH = RoutePolicy.KEY;

  /** An action reachable on the event bus only. */
  public static Endpoint action(String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, null, null, handler, new JsonObject());
  }

  public static Endpoint get(String path, String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, "GET", path, handler, new JsonObject());
  }

  public static Endpoint post(String path, String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, "POST", path, handler, new JsonObject());
  }

  public static Endpoint patch(String path, String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, "PATCH", path, handler, new JsonObject());
  }

  public static Endpoint delete(String path, String action, Function<JsonObject, Future<Reply>> handler) {
    return new Endpoint(action, "DELETE", path, handler, new JsonObject());
  }

  // --- from a service's contract: the action's name and its policy come from there ---

  public static Endpoint get(String path, ActionContract action, Function<JsonObject, Future<Reply>> handler) {
    return get(path, action.action(), handler).withContractPolicy(action);
  }

  public static Endpoint post(String path, ActionContract action, Function<JsonObject, Future<Reply>> handler) {
    return post(path, action.action(), handler).withContractPolicy(action);
  }

  public static Endpoint patch(String path, ActionContract action, Function<JsonObject, Future<Reply>> handler) {
    return patch(path, action.action(), handler).withContractPolicy(action);
  }

  public static Endpoint delete(String path, ActionContract action, Function<JsonObject, Future<Reply>> handler) {
    return delete(path, action.action(), handler).withContractPolicy(action);
  }

  // a route that says nothing is authenticated: the record says nothing for it either
  private Endpoint withContractPolicy(ActionContract action) {
    return action.policy().equals(RoutePolicy.AUTHENTICATED) ? this : withPolicy(action.policy());
  }

  /** The gateway passes the request header {@code header} to the action as the input field {@code field}. */
  public Endpoint withHeader(String header, String field) {
    if (field.equals(Caller.FIELD) || Caller.HEADERS.contains(header.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("the caller's identity is set by the gateway, never mapped from a header");
    }
    JsonObject extras = routeExtras.copy();
    JsonObject headers = extras.getJsonObject(HEADERS, new JsonObject());
    extras.put(HEADERS, headers.put(header, field));
    return new Endpoint(action, method, path, handler, extras);
  }

  /**
   * {@code ?expand=<name>} embeds, beside each value of {@code field} in the reply ({@code userId}, or
   * {@code items[].sku} for every item), the reply of {@code fetch} to {@code {param: value}}, under the
   * key {@code into}. The gateway fetches all of them in parallel, as the caller; a part that cannot be
   * fetched is embedded as {@code {"unavailable": true, "error": {...}}}.
   */
  public Endpoint withExpansion(String name, String field, ActionContract fetch, String param, String into) {
    return withExpansion(name, field, fetch.service(), fetch.action(), param, into);
  }

  /** {@link #withExpansion(String, String, ActionContract, String, String)} by the fetch's service and action names. */
  public Endpoint withExpansion(String name, String field, String service, String fetchAction, String param,
      String into) {
    JsonObject extras = routeExtras.copy();
    JsonArray expansions = extras.getJsonArray(EXPAND, new JsonArray());
    expansions.add(new JsonObject().put("name", name).put("field", field).put("service", service)
        .put("action", fetchAction).put("param", param).put("into", into));
    extras.put(EXPAND, expansions);
    return new Endpoint(action, method, path, handler, extras);
  }

  /** Anyone may call this route, without a token. */
  public Endpoint open() {
    return withPolicy(RoutePolicy.OPEN);
  }

  /** Only a caller with every one of these roles (or the role admin) may call this route. */
  public Endpoint requireRoles(String... roles) {
    return withPolicy(RoutePolicy.roles(roles));
  }

  /** Counts this route against the gateway's rate-limit class {@code limitClass} (see RoutePolicy). */
  public Endpoint limitedAs(String limitClass) {
    return withPolicy(RoutePolicy.of(routeExtras).limitedAs(limitClass));
  }

  public Endpoint withPolicy(RoutePolicy policy) {
    return new Endpoint(action, method, path, handler, routeExtras.copy().put(AUTH, policy.toJson()));
  }

  public boolean routed() {
    return path != null;
  }

  public JsonObject routeJson() {
    return routeExtras.copy().put("method", method).put("path", path).put("action", action);
  }

  // --- the route's contract: /openapi.json publishes it, the gateway enforces body and query schemas ---

  public Endpoint summary(String text) {
    return with(SUMMARY, text);
  }

  /** The JSON Schema every request body must meet (see {@code dev.mesh.common.contract.Schemas}). */
  public Endpoint body(JsonObject schema) {
    return with(BODY, schema.copy());
  }

  /** A query parameter the action reads (always optional: the action decides what is missing). */
  public Endpoint query(String name, String description, JsonObject schema) {
    JsonArray query = routeExtras.getJsonArray(QUERY, new JsonArray()).copy();
    query.add(new JsonObject().put("name", name).put("description", description).put("schema", schema.copy()));
    return with(QUERY, query);
  }

  /** An answer the route gives: its success status, or an error status beyond the ones every route has. */
  public Endpoint responds(int status, String description) {
    JsonObject responses = routeExtras.getJsonObject(RESPONSES, new JsonObject()).copy();
    responses.put(Integer.toString(status), new JsonObject().put("description", description));
    return with(RESPONSES, responses);
  }

  private Endpoint with(String key, Object value) {
    return new Endpoint(action, method, path, handler, routeExtras.copy().put(key, value));
  }
}
