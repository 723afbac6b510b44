package dev.mesh.gateway.bridge;

import static dev.mesh.gateway.bridge.BridgeFixture.assertJsonError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A foreign service that registers with a route contract appears in /openapi.json without a restart, its
 * body schema is enforced at the edge (the service never sees a bad body), and it is gone from the
 * document once it deregisters.
 */
class ForeignContractTest {

  private static final JsonObject CIRCLE = new JsonObject("""
      {"type": "object", "additionalProperties": false, "required": ["radius"],
       "properties": {"radius": {"type": "integer", "minimum": 1, "maximum": 100,
                                 "x-invalid": "must be a whole number from 1 to 100"},
                      "colour": {"type": "string", "enum": ["red", "blue"]}}}""");

  private BridgeFixture mesh;
  private ForeignServer shapes;

  @BeforeEach
  void start() throws Exception {
    mesh = new BridgeFixture();
    shapes = new ForeignServer();
  }

  @AfterEach
  void stop() {
    shapes.close();
    mesh.close();
  }

  @Test
  void aRegisteredContractIsPublishedEnforcedAndGoneAfterDeregistering() throws Exception {
    assertNull(paths().getJsonObject("/api/shapes/circles"), "not there before it registers");
    String id = mesh.register(registration(new JsonObject()
        .put("method", "POST").put("path", "/api/shapes/circles").put("action", "draw")
        .put("summary", "Draw a circle").put("body", CIRCLE)
        .put("responses", new JsonObject().put("201", new JsonObject().put("description", "the circle")))));

    JsonObject document = Eventually.await(Duration.ofSeconds(15), "the foreign route in the document",
        this::document, d -> d.getJsonObject("paths").containsKey("/api/shapes/circles"));
    JsonObject draw = document.getJsonObject("paths").getJsonObject("/api/shapes/circles").getJsonObject("post");
    assertEquals("shapes.draw", draw.getString("operationId"));
    assertEquals("Draw a circle", draw.getString("summary"));
    assertEquals(CIRCLE, draw.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
        .getJsonObject("schema"));
    JsonObject byName = document.getJsonObject("paths").getJsonObject("/api/shapes/circles/{name}").getJsonObject("get");
    assertEquals("shapes.get_circles_by_name", byName.getString("operationId"), "an id from method and path");
    TestCluster.await(OpenAPIContract.from(mesh.gatewayNode, document));

    shapes.answer(request -> ForeignServer.Answer.json(201, new JsonObject().put("drawn", true)));
    shapes.forget();
    HttpResponse<String> refused = mesh.call("POST", "/api/shapes/circles",
        new JsonObject().put("radius", 0).put("colour", "green").put("fill", true));
    JsonObject error = assertJsonError(refused, 400, "invalid");
    assertEquals(new JsonArray().add("colour").add("fill").add("radius"),
        new JsonArray(error.getJsonObject("fields").fieldNames().stream().sorted().toList()), refused.body());
    assertEquals("must be a whole number from 1 to 100", error.getJsonObject("fields").getString("radius"));

    HttpResponse<String> drawn = mesh.call("POST", "/api/shapes/circles", new JsonObject().put("radius", 3));
    assertEquals(201, drawn.statusCode(), drawn.body());
    ForeignServer.Received received = shapes.next("/api/shapes/circles", Duration.ofSeconds(5));
    assertEquals(3, received.json().getInteger("radius"), "the first request the service saw is the good one");

    assertEquals(204, mesh.call("DELETE", "/bridge/services/" + id, null).statusCode());
    Eventually.await(Duration.ofSeconds(15), "the foreign route gone from the document",
        this::document, d -> !d.getJsonObject("paths").containsKey("/api/shapes/circles"));
  }

  @Test
  void aContractThatIsNotUsableIsRefusedAtRegistration() throws Exception {
    HttpResponse<String> refused = mesh.call("POST", "/bridge/services", registration(new JsonObject()
        .put("method", "POST").put("path", "/api/shapes/squares").put("action", "not an id!")
        .put("body", new JsonObject().put("$ref", "#/$defs/nowhere"))
        .put("responses", new JsonObject().put("ok", "fine"))));
    JsonObject fields = assertJsonError(refused, 400, "invalid").getJsonObject("fields");
    assertTrue(fields.getString("routes[0].body", "").startsWith("not a usable JSON Schema"), refused.body());
    assertTrue(fields.containsKey("routes[0].action"), refused.body());
    assertTrue(fields.containsKey("routes[0].responses"), refused.body());
    assertFalse(document().getJsonObject("paths").containsKey("/api/shapes/squares"));
  }

  private JsonObject registration(JsonObject route) {
    // alive by health check, however long a loaded machine takes between the test's steps
    return new JsonObject().put("name", "shapes").put("baseUrl", shapes.url()).put("healthUrl", shapes.url() + "/health")
        .put("routes", new JsonArray().add(route)
            .add(new JsonObject().put("method", "GET").put("path", "/api/shapes/circles/:name")));
  }

  private JsonObject document() throws Exception {
    HttpResponse<String> answer = mesh.call("GET", "/openapi.json", null, null);
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject(answer.body());
  }

  private JsonObject paths() throws Exception {
    return document().getJsonObject("paths");
  }
}
