package dev.mesh.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Who may call a route, as a service declares it in its registry record ({@code "auth"} in the route's
 * metadata) and the gateway enforces it: open to anyone, or authenticated with every one of the
 * required roles and scopes. A route that declares nothing is authenticated: secure by default.
 * The role {@link Caller#ADMIN} satisfies every role requirement.
 *
 * <p>JSON: {@code {"public": true}} or {@code {"roles": ["admin"], "scopes": ["orders:write"]}}, each
 * with an optional {@code "limit": "<class>"}: the gateway's rate-limit class (default: {@code read} for
 * GET, {@code write} otherwise; the limits per class are the gateway's settings).
 */
public record RoutePolicy(boolean open, Set<String> roles, Set<String> scopes, String limit, Set<String> services) {

  public static final String KEY = "auth";

  public static final RoutePolicy OPEN = new RoutePolicy(true, Set.of(), Set.of(), null, Set.of());
  public static final RoutePolicy AUTHENTICATED = new RoutePolicy(false, Set.of(), Set.of(), null, Set.of());

  public static RoutePolicy roles(String... roles) {
    return new RoutePolicy(false, Set.of(roles), Set.of(), null, Set.of());
  }

  /** The same rules under the rate-limit class {@code limitClass}. */
  public RoutePolicy limitedAs(String limitClass) {
    return new RoutePolicy(open, roles, scopes, limitClass, services);
  }

  /**
   * The same rules, and the services named here may also call as themselves (the order saga reserving
   * stock): an explicit grant in the callee's contract, never implied by being inside the mesh.
   */
  public RoutePolicy orServices(String... names) {
    return new RoutePolicy(open, roles, scopes, limit, Set.of(names));
  }

  /** The policy a route's metadata declares; {@link #AUTHENTICATED} when it declares none or cannot be read. */
  public static RoutePolicy of(JsonObject routeMetadata) {
    Object value = routeMetadata == null ? null : routeMetadata.getValue(KEY);
    if (!(value instanceof JsonObject json)) {
      return AUTHENTICATED;
    }
    String limit = json.getValue("limit") instanceof String name ? name : null;
    if (Boolean.TRUE.equals(json.getValue("public"))) {
      return OPEN.limitedAs(limit);
    }
    return new RoutePolicy(false, strings(json.getValue("roles")), strings(json.getValue("scopes")), limit,
        strings(json.getValue("services")));
  }

  /** Null when the caller may call; otherwise the refusal: 401 for a caller nobody vouches for, else 403. */
  public MeshError check(Caller caller) {
    String refusal = refusal(caller);
    if (refusal == null) {
      return null;
    }
    return caller.authenticated() || caller.service() != null ? MeshError.forbidden(refusal)
        : MeshError.unauthorized(refusal);
  }

  /** Null when the caller may call; otherwise why not (the gateway answers 401 or 403). */
  public String refusal(Caller caller) {
    if (open) {
      return null;
    }
    if (caller.service() != null && services.contains(caller.service())) {
      return null;
    }
    // a user with a token, or a foreign service the operator granted roles (it acts for no user)
    if (!caller.authenticated() && caller.roles().isEmpty()) {
      return "this route needs a bearer token";
    }
    if (caller.roles().contains(Caller.ADMIN)) {
      return null;
    }
    for (String role : roles) {
      if (!caller.roles().contains(role)) {
        return "this route needs the role '" + role + "'";
      }
    }
    for (String scope : scopes) {
      if (!caller.scopes().contains(scope)) {
        return "this route needs the scope '" + scope + "'";
      }
    }
    return null;
  }

  public JsonObject toJson() {
    JsonObject json = open ? new JsonObject().put("public", true)
        : new JsonObject().put("roles", new JsonArray(List.copyOf(roles))).put("scopes", new JsonArray(List.copyOf(scopes)));
    if (!services.isEmpty()) {
      json.put("services", new JsonArray(services.stream().sorted().toList()));
    }
    return limit == null ? json : json.put("limit", limit);
  }

  private static Set<String> strings(Object value) {
    if (!(value instanceof JsonArray array)) {
      return Set.of();
    }
    return Set.copyOf(array.stream().map(String::valueOf).toList());
  }
}
