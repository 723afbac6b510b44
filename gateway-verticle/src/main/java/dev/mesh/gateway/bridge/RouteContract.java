package dev.mesh.gateway.bridge;

import dev.mesh.common.contract.SchemaCheck;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The contract a foreign service may declare with each route, the same keys a Java service's Endpoint
 * publishes: {@code action} (its operation id is {@code <service>.<action>}), {@code summary},
 * {@code body} (a JSON Schema the gateway enforces before proxying), {@code query}
 * ({@code [{name, description, schema}]}) and {@code responses} ({@code {"200": {"description": ...}}}).
 * Each problem is reported under the route's own key, such as {@code routes[0].body}.
 */
final class RouteContract {

  private static final Pattern ACTION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");
  private static final Pattern PARAMETER = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,62}");
  private static final Pattern STATUS = Pattern.compile("[1-5][0-9][0-9]");
  private static final int MAX_TEXT = 500;

  private RouteContract() {
  }

  /** The route's contract, or null with problems recorded. */
  static JsonObject read(JsonObject route, String where, JsonObject problems) {
    int before = problems.size();
    JsonObject contract = new JsonObject();
    Object action = route.getValue("action");
    if (action != null) {
      if (action instanceof String a && ACTION.matcher(a).matches()) {
        contract.put("action", a);
      } else {
        problems.put(where + ".action", "must be 1 to 63 of A-Z a-z 0-9 _ -, starting with a letter");
      }
    }
    Object summary = route.getValue("summary");
    if (summary != null) {
      if (summary instanceof String text && text.length() <= MAX_TEXT) {
        contract.put("summary", text);
      } else {
        problems.put(where + ".summary", "must be a string of at most " + MAX_TEXT + " characters");
      }
    }
    Object body = route.getValue("body");
    if (body != null) {
      String problem = schemaProblem(body);
      if (problem == null) {
        contract.put("body", body);
      } else {
        problems.put(where + ".body", problem);
      }
    }
    JsonArray query = query(route.getValue("query"), where + ".query", problems);
    if (query != null) {
      contract.put("query", query);
    }
    JsonObject responses = responses(route.getValue("responses"), where + ".responses", problems);
    if (responses != null) {
      contract.put("responses", responses);
    }
    return problems.size() == before ? contract : null;
  }

  private static String schemaProblem(Object schema) {
    if (!(schema instanceof JsonObject object)) {
      return "must be a JSON Schema object (draft 2020-12)";
    }
    try {
      SchemaCheck.of(object);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static JsonArray query(Object value, String where, JsonObject problems) {
    if (value == null) {
      return null;
    }
    String shape = "must be [{\"name\": \"limit\", \"description\": \"...\", \"schema\": {\"type\": \"integer\"}}]";
    if (!(value instanceof JsonArray array)) {
      problems.put(where, shape);
      return null;
    }
    JsonArray query = new JsonArray();
    for (Object item : array) {
      if (!(item instanceof JsonObject parameter) || !(parameter.getValue("name") instanceof String name)
          || !PARAMETER.matcher(name).matches()
          || (parameter.getValue("description") != null && !(parameter.getValue("description") instanceof String))
          || (parameter.getValue("schema") != null && schemaProblem(parameter.getValue("schema")) != null)) {
        problems.put(where, shape);
        return null;
      }
      query.add(new JsonObject().put("name", name).put("description", parameter.getString("description"))
          .put("schema", parameter.getJsonObject("schema", new JsonObject().put("type", "string"))));
    }
    return query;
  }

  private static JsonObject responses(Object value, String where, JsonObject problems) {
    if (value == null) {
      return null;
    }
    String shape = "must be {\"200\": {\"description\": \"...\"}}: HTTP statuses to descriptions";
    if (!(value instanceof JsonObject given)) {
      problems.put(where, shape);
      return null;
    }
    JsonObject responses = new JsonObject();
    for (String status : given.fieldNames()) {
      Object answer = given.getValue(status);
      if (!STATUS.matcher(status).matches() || !(answer instanceof JsonObject a)
          || !(a.getValue("description") instanceof String description) || description.length() > MAX_TEXT) {
        problems.put(where, shape);
        return null;
      }
      responses.put(status, new JsonObject().put("description", description));
    }
    return responses;
  }
}
