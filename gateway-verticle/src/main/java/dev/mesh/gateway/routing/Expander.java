package dev.mesh.gateway.routing;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.common.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Response aggregation: {@code ?expand=user,products} on a route that declares those expansions embeds
 * the related records, fetched in parallel from their services. A part that cannot be fetched is marked
 * unavailable in place; the answer as a whole still comes.
 */
final class Expander {

  static final String QUERY = "expand";
  private static final String EACH = "[].";

  private final ServiceClient client;

  Expander(ServiceClient client) {
    this.client = client;
  }

  /** The declared expansions the client asked for, in the order declared; a 400 for an unknown name. */
  static List<JsonObject> requested(ServiceRoute route, String expandParam) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : expandParam.split(",")) {
      if (!name.isBlank()) {
        names.add(name.trim());
      }
    }
    List<JsonObject> chosen = new ArrayList<>();
    List<String> known = new ArrayList<>();
    for (Object item : route.expansions()) {
      JsonObject expansion = (JsonObject) item;
      known.add(expansion.getString("name"));
      if (names.remove(expansion.getString("name"))) {
        chosen.add(expansion);
      }
    }
    if (!names.isEmpty()) {
      throw MeshError.badRequest("unknown expansion " + names + "; this route offers " + known);
    }
    return chosen;
  }

  /** Embeds every requested expansion into {@code reply}; completes when all fetches have answered. */
  Future<JsonObject> expand(JsonObject reply, List<JsonObject> expansions, Caller caller) {
    List<Future<Void>> fetches = new ArrayList<>();
    for (JsonObject expansion : expansions) {
      Map<Object, Future<JsonObject>> byValue = new HashMap<>(); // one fetch per distinct value
      String field = expansion.getString("field");
      int each = field.indexOf(EACH);
      if (each < 0) {
        fetches.add(embed(reply, field, expansion, byValue, caller));
      } else {
        JsonArray items = reply.getJsonArray(field.substring(0, each), new JsonArray());
        for (Object item : items) {
          if (item instanceof JsonObject element) {
            fetches.add(embed(element, field.substring(each + EACH.length()), expansion, byValue, caller));
          }
        }
      }
    }
    return Future.join(fetches).map(reply);
  }

  private Future<Void> embed(JsonObject target, String field, JsonObject expansion,
      Map<Object, Future<JsonObject>> byValue, Caller caller) {
    Object value = target.getValue(field);
    if (value == null) {
      return Future.succeededFuture();
    }
    return byValue.computeIfAbsent(value, v -> fetch(expansion, v, caller))
        .onSuccess(part -> target.put(expansion.getString("into"), part.copy()))
        .mapEmpty();
  }

  /** Fetched as the caller: a part the caller may not see is embedded as its error. */
  private Future<JsonObject> fetch(JsonObject expansion, Object value, Caller caller) {
    JsonObject request = new JsonObject().put(expansion.getString("param"), value);
    return client.call(expansion.getString("service"), expansion.getString("action")).as(caller).json(request)
        .recover(failure -> Future.succeededFuture(new JsonObject()
            .put("unavailable", true)
            .put("error", MeshError.from(failure).toJson())));
  }
}
