package dev.mesh.gateway.bridge;

import dev.mesh.common.MeshError;
import dev.mesh.common.RoutePolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a foreign service says about itself when it registers, validated: every problem is reported at
 * once as a 400 with {@code fields}.
 *
 * @param routes        HTTP routes under {@code /api/<name>}, proxied to {@code baseUrl + path}
 * @param addresses     event-bus addresses it serves: messages are posted to {@code messagesUrl}
 * @param subscriptions event addresses or patterns it wants delivered to {@code eventsUrl}
 */
record Registration(String name, String baseUrl, List<Route> routes, List<String> addresses,
    List<String> subscriptions, String healthUrl, String messagesUrl, String eventsUrl, String version) {

  /**
   * A proxied route, its contract (summary, body schema, query, responses; see RouteContract) and who may
   * call it ({@code "auth"}: {@code {"public": true}} or required roles and scopes; nothing: authenticated).
   */
  record Route(String method, String path, JsonObject contract, RoutePolicy policy) {
    JsonObject toJson() {
      return contract.copy().put("method", method).put("path", path).put(RoutePolicy.KEY, policy.toJson());
    }
  }

  static final String MESSAGES_PATH = "/mesh/messages";
  static final String EVENTS_PATH = "/mesh/events";

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern PATH_SEGMENT = Pattern.compile(":?[A-Za-z0-9_.~\\-]+");
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

  static Registration parse(JsonObject json, AddressRules rules) {
    JsonObject problems = new JsonObject();
    String name = json.getValue("name") instanceof String s ? s : null;
    if (name == null || !NAME.matcher(name).matches()) {
      problems.put("name", "required: lower-case letters, digits and '-', starting with a letter");
    }
    String baseUrl = httpUrl(json, "baseUrl", true, problems);
    if (baseUrl != null && baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    List<Route> routes = new ArrayList<>();
    List<Object> declaredRoutes = array(json, "routes", problems);
    for (int i = 0; i < declaredRoutes.size(); i++) {
      int known = problems.size();
      Route route = route(declaredRoutes.get(i), name, "routes[" + i + "]", problems);
      if (route == null && problems.size() == known) { // not a route at all, rather than a bad contract
        problems.put("routes", "each route is {\"method\": \"GET|POST|PUT|PATCH|DELETE\", \"path\": \"/api/"
            + (name == null ? "<name>" : name) + "/...\"} with ':param' segments and no '.' or '..' segment,"
            + " and optionally \"auth\": {\"public\": true} or {\"roles\": [...], \"scopes\": [...]}");
      } else if (route != null) {
        routes.add(route);
      }
    }
    List<String> addresses = strings(json, "addresses", AddressRules.ADDRESS, problems);
    addresses.stream().filter(a -> !rules.allows(AddressRules.Kind.SERVE, a)).findFirst()
        .ifPresent(a -> problems.put("addresses", AddressRules.refusal(AddressRules.Kind.SERVE, a).getMessage()));
    List<String> subscriptions = strings(json, "subscriptions", AddressRules.PATTERN, problems);
    String healthUrl = httpUrl(json, "healthUrl", false, problems);
    String messagesUrl = httpUrl(json, "messagesUrl", false, problems);
    String eventsUrl = httpUrl(json, "eventsUrl", false, problems);
    Object version = json.getValue("version");
    if (!problems.isEmpty()) {
      throw MeshError.invalid(problems);
    }
    return new Registration(name, baseUrl, List.copyOf(routes), addresses, subscriptions, healthUrl,
        messagesUrl == null ? baseUrl + MESSAGES_PATH : messagesUrl,
        eventsUrl == null ? baseUrl + EVENTS_PATH : eventsUrl,
        version == null ? "foreign" : version.toString());
  }

  JsonArray routesJson() {
    JsonArray array = new JsonArray();
    routes.forEach(r -> array.add(r.toJson()));
    return array;
  }

  JsonObject toJson() {
    return new JsonObject().put("name", name).put("baseUrl", baseUrl).put("routes", routesJson())
        .put("addresses", new JsonArray(addresses)).put("subscriptions", new JsonArray(subscriptions))
        .put("healthUrl", healthUrl).put("messagesUrl", messagesUrl).put("eventsUrl", eventsUrl)
        .put("version", version);
  }

  /**
   * A route must live under the service's own prefix, so no service can take over another's paths. The
   * path must already be normalised: a '.' or '..' segment would resolve outside what the prefix check saw
   * ({@code /api/<name>/../users}).
   */
  private static Route route(Object item, String name, String where, JsonObject problems) {
    if (!(item instanceof JsonObject json) || name == null) {
      return null;
    }
    String method = json.getValue("method") instanceof String m ? m.toUpperCase() : null;
    String path = json.getValue("path") instanceof String p ? p : null;
    if (method == null || !METHODS.contains(method) || path == null) {
      return null;
    }
    String prefix = "/api/" + name;
    if (!path.equals(prefix) && !path.startsWith(prefix + "/")) {
      return null;
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (!PATH_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        return null;
      }
    }
    Object auth = json.getValue(RoutePolicy.KEY);
    if (auth != null && !(auth instanceof JsonObject)) {
      problems.put(where + ".auth", "is {\"public\": true} or {\"roles\": [...], \"scopes\": [...]}");
      return null;
    }
    JsonObject contract = RouteContract.read(json, where, problems);
    return contract == null ? null : new Route(method, path, contract, RoutePolicy.of(json)); // nothing declared: authenticated
  }

  private static List<Object> array(JsonObject json, String field, JsonObject problems) {
    Object value = json.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      problems.put(field, "must be an array");
      return List.of();
    }
    List<Object> items = new ArrayList<>();
    array.forEach(items::add); // the iterator wraps decoded maps as JsonObject, getList() does not
    return items;
  }

  /** The addresses or patterns of a subscription: {@code addresses} (an array) or {@code address} (one). */
  static List<String> subscriptionAddresses(JsonObject json, JsonObject problems) {
    if (json.getValue("addresses") == null && json.getValue("address") instanceof String one) {
      json = new JsonObject().put("addresses", new JsonArray().add(one));
    }
    List<String> addresses = strings(json, "addresses", AddressRules.PATTERN, problems);
    if (addresses.isEmpty() && !problems.containsKey("addresses")) {
      problems.put("addresses", "required: 'address' or 'addresses', such as 'events.order.confirmed'");
    }
    return addresses;
  }

  private static List<String> strings(JsonObject json, String field, Pattern shape, JsonObject problems) {
    List<String> values = new ArrayList<>();
    for (Object item : array(json, field, problems)) {
      if (item instanceof String s && shape.matcher(s).matches()) {
        if (!values.contains(s)) {
          values.add(s);
        }
      } else {
        problems.put(field, "each entry is an address such as 'mesh.recommendations' or 'events.order.*'");
      }
    }
    return List.copyOf(values);
  }

  static String httpUrl(JsonObject json, String field, boolean required, JsonObject problems) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        problems.put(field, "required: an http:// or https:// URL");
      }
      return null;
    }
    try {
      URI uri = new URI(value.toString());
      if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw new IllegalArgumentException();
      }
      return value.toString();
    } catch (Exception e) {
      problems.put(field, "must be an http:// or https:// URL without query, such as http://127.0.0.1:9000");
      return null;
    }
  }
}
