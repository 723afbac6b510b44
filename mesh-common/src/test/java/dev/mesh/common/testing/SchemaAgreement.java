package dev.mesh.common.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshError;
import dev.mesh.common.contract.SchemaCheck;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The drift check of a route: a table of request bodies, each judged twice, by the route's schema (what
 * the gateway publishes and enforces) and by the service's own validation of the action's input (the body
 * plus the path parameters, as the gateway sends it). Both must accept the same bodies and refuse the
 * same ones naming the same fields. A rule JSON Schema cannot state (a sku given twice, a control character
 * inside a name) is a row of its own: the schema lets it through and the service refuses it, never the
 * other way round, so the edge never refuses what the service would take.
 */
public final class SchemaAgreement {

  private final String route;
  private final SchemaCheck schema;
  private final JsonObject pathParams;
  private final Consumer<JsonObject> validation;
  private final List<String> disagreements = new ArrayList<>();
  private int rows;

  private SchemaAgreement(String route, JsonObject schema, JsonObject pathParams, Consumer<JsonObject> validation) {
    this.route = route;
    this.schema = SchemaCheck.of(schema);
    this.pathParams = pathParams;
    this.validation = validation;
  }

  /** {@code validation} is the service's check of an action's input: it throws a 400 MeshError when bad. */
  public static SchemaAgreement route(String route, JsonObject schema, JsonObject pathParams,
      Consumer<JsonObject> validation) {
    return new SchemaAgreement(route, schema, pathParams, validation);
  }

  public SchemaAgreement accepts(String body) {
    judge(body, true, true);
    return this;
  }

  public SchemaAgreement rejects(String body) {
    judge(body, false, false);
    return this;
  }

  /** A rule only the service can check: the schema passes the body, the service refuses it. */
  public SchemaAgreement onlyTheServiceRejects(String body) {
    judge(body, true, false);
    return this;
  }

  /** Fails with every row on which the two disagree. */
  public void verify() {
    assertTrue(rows > 0, route + ": an empty table proves nothing");
    assertTrue(disagreements.isEmpty(), route + ": the schema and the service disagree on "
        + disagreements.size() + " of " + rows + " bodies:\n" + String.join("\n", disagreements));
  }

  private void judge(String body, boolean schemaShouldAccept, boolean serviceShouldAccept) {
    rows++;
    JsonObject parsed = new JsonObject(body);
    JsonObject bySchema = schema.problems(parsed);
    JsonObject byService = serviceProblems(parsed);
    boolean schemaAccepts = bySchema.isEmpty();
    boolean serviceAccepts = byService != null && byService.isEmpty();
    String row = "  " + body + "\n    schema: " + (schemaAccepts ? "accepts" : bySchema.encode())
        + "\n    service: " + (serviceAccepts ? "accepts" : byService == null ? "threw something else" : byService.encode());
    if (schemaAccepts != schemaShouldAccept || serviceAccepts != serviceShouldAccept) {
      disagreements.add(row);
    } else if (!schemaAccepts && !serviceAccepts && !fields(bySchema).equals(fields(byService))) {
      disagreements.add(row + "\n    (they name different fields)");
    }
  }

  /** The service's problems by field; empty when it accepts; null when it failed in another way. */
  private JsonObject serviceProblems(JsonObject body) {
    JsonObject input = body.copy();
    pathParams.forEach(p -> input.put(p.getKey(), p.getValue()));
    try {
      validation.accept(input);
      return new JsonObject();
    } catch (MeshError e) {
      if (e.status() != 400) {
        return null;
      }
      return e.fields() == null ? new JsonObject().put("body", e.getMessage()) : e.fields();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Set<String> fields(JsonObject problems) {
    return new TreeSet<>(problems.fieldNames());
  }
}
