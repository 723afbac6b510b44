package dev.mesh.gateway.bridge;

import static dev.mesh.gateway.bridge.BridgeFixture.assertJsonError;
import static dev.mesh.gateway.bridge.BridgeFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Tokens;
import dev.mesh.gateway.bridge.ForeignServer.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A foreign service registers with the bootstrap secret and gets its own credential, scoped to its name:
 * it manages only its own registration, cannot call what another foreign service serves, cannot take
 * over another's name or address, and loses the credential when it deregisters. Its routes receive the
 * caller the gateway verified, never what the client claimed.
 */
class ForeignCredentialsTest {

  private static BridgeFixture mesh;

  @BeforeAll
  static void start() {
    mesh = new BridgeFixture(new JsonObject().put(BridgeSettings.GRANTS, "beta:mesh\\.granted")
        .put(BridgeSettings.GRANT_ROLES, "trusted:admin"));
  }

  @AfterAll
  static void stop() {
    mesh.close();
  }

  @Test
  void aServiceCredentialIsScopedToItsOwnName() throws Exception {
    JsonObject alpha = registered(new JsonObject().put("name", "alpha").put("baseUrl", "http://127.0.0.1:9")
        .put("addresses", new JsonArray().add("mesh.alpha").add("mesh.granted")));
    JsonObject beta = registered(new JsonObject().put("name", "beta").put("baseUrl", "http://127.0.0.1:9"));
    String betaCredential = "Bearer " + beta.getString("credential");

    assertJsonError(mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.alpha")
        .put("action", "x"), betaCredential), 403, "forbidden");
    assertJsonError(mesh.call("POST", "/bridge/send", new JsonObject().put("address", "mesh.alpha"), betaCredential),
        403, "forbidden");
    HttpResponse<String> granted = mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.granted")
        .put("action", "x").put("timeoutMs", 500), betaCredential);
    assertTrue(granted.statusCode() >= 500, "BRIDGE_GRANTS lets it through to alpha, which is not listening: "
        + granted.statusCode() + " " + granted.body());
    HttpResponse<String> echoed = mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.echo")
        .put("action", "echo").put("body", new JsonObject().put("n", 2)), betaCredential);
    assertEquals(201, echoed.statusCode(), "a Java service's address is open to it (echo answers 201): " + echoed.body());

    assertJsonError(mesh.call("PUT", "/bridge/services/" + alpha.getString("id") + "/heartbeat", null, betaCredential),
        403, "forbidden");
    assertJsonError(mesh.call("DELETE", "/bridge/services/" + alpha.getString("id"), null, betaCredential),
        403, "forbidden");
    assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "alpha")
        .put("baseUrl", "http://127.0.0.1:9"), betaCredential), 403, "forbidden");
    assertJsonError(mesh.call("GET", "/bridge/services", null, betaCredential), 403, "forbidden");
    assertJsonError(mesh.call("POST", "/bridge/services", new JsonObject().put("name", "gamma")
        .put("baseUrl", "http://127.0.0.1:9").put("addresses", new JsonArray().add("mesh.alpha"))), 409, "conflict");

    assertEquals(200, mesh.call("PUT", "/bridge/services/" + beta.getString("id") + "/heartbeat", null, betaCredential)
        .statusCode(), "its own heartbeat");
    assertEquals(204, mesh.call("DELETE", "/bridge/services/" + beta.getString("id"), null, betaCredential).statusCode());
    assertJsonError(mesh.call("POST", "/bridge/request", new JsonObject().put("address", "mesh.echo")
        .put("action", "echo"), betaCredential), 403, "forbidden");
  }

  @Test
  void insideTheMeshAForeignServiceHasOnlyTheRolesTheOperatorGrantedIt() throws Exception {
    JsonObject vault = new JsonObject().put("address", "mesh.echo").put("action", "vault");
    assertJsonError(mesh.call("POST", "/bridge/request", vault), 403, "forbidden");
    JsonObject plain = registered(new JsonObject().put("name", "plain").put("baseUrl", "http://127.0.0.1:9"));
    assertJsonError(mesh.call("POST", "/bridge/request", vault, "Bearer " + plain.getString("credential")),
        403, "forbidden");

    JsonObject trusted = registered(new JsonObject().put("name", "trusted").put("baseUrl", "http://127.0.0.1:9"));
    HttpResponse<String> opened = mesh.call("POST", "/bridge/request", vault,
        "Bearer " + trusted.getString("credential"));
    assertEquals(200, opened.statusCode(), opened.body());
    JsonObject seen = new JsonObject(opened.body());
    assertEquals("bridge/trusted", seen.getString("svc"), "the bridge acting for that foreign service");
    assertEquals(new JsonArray().add("admin"), seen.getJsonArray("roles"), "with the role BRIDGE_GRANT_ROLES gave it");
    assertEquals(null, seen.getString("sub"), "and for no end user");
  }

  @Test
  void aWebhookBelongsToTheServiceThatMadeIt() throws Exception {
    String maker = "Bearer " + registered(new JsonObject().put("name", "maker").put("baseUrl", "http://127.0.0.1:9"))
        .getString("credential");
    String other = "Bearer " + registered(new JsonObject().put("name", "other").put("baseUrl", "http://127.0.0.1:9"))
        .getString("credential");
    HttpResponse<String> made = mesh.call("POST", "/bridge/subscriptions", new JsonObject()
        .put("address", "events.echo.said").put("url", "http://127.0.0.1:9/hook"), maker);
    assertEquals(201, made.statusCode(), made.body());
    String id = new JsonObject(made.body()).getString("id");

    assertEquals(0, subscriptionsSeenBy(other).size(), "another service does not see it");
    assertJsonError(mesh.call("DELETE", "/bridge/subscriptions/" + id, null, other), 404, "not_found");
    assertEquals(1, subscriptionsSeenBy(maker).size(), "its maker does, and it is still there");
    assertTrue(subscriptionsSeenBy("Bearer " + BridgeFixture.SECRET).stream()
        .anyMatch(s -> id.equals(((JsonObject) s).getString("id"))), "the operator sees every webhook");
    assertEquals(204, mesh.call("DELETE", "/bridge/subscriptions/" + id, null, maker).statusCode());
  }

  private static JsonArray subscriptionsSeenBy(String authorization) throws Exception {
    HttpResponse<String> answer = mesh.call("GET", "/bridge/subscriptions", null, authorization);
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject(answer.body()).getJsonArray("subscriptions");
  }

  @Test
  void aForeignRouteGetsTheVerifiedCallerNeverTheClaimedOne() throws Exception {
    try (ForeignServer foreign = new ForeignServer()) {
      foreign.answer(r -> Answer.json(200, new JsonObject()));
      registered(new JsonObject().put("name", "desk").put("baseUrl", foreign.url())
          .put("routes", new JsonArray().add(new JsonObject().put("method", "GET").put("path", "/api/desk/me"))));
      eventually(() -> mesh.call("GET", "/api/desk/me", null), r -> r.statusCode() == 200);
      foreign.forget();

      String token = mesh.cluster.tokens().mint("ada", "customer");
      HttpResponse<String> answer = mesh.http().send(HttpRequest.newBuilder(URI.create(mesh.gateway + "/api/desk/me"))
          .header("Authorization", Tokens.bearer(token))
          .header("X-Mesh-Subject", "admin").header("X-Mesh-Roles", "admin").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      ForeignServer.Received received = foreign.next("/api/desk/me", Duration.ofSeconds(10));
      assertEquals("ada", received.headers().getFirst("X-Mesh-Subject"));
      assertEquals("customer", received.headers().getFirst("X-Mesh-Roles"));
      assertEquals(1, received.headers().get("X-Mesh-Subject").size(), "the client's look-alike is dropped");
      assertTrue(received.headers().get("Authorization") == null, "the client's token is not passed on");

      assertEquals(401, mesh.call("GET", "/api/desk/me", null, null).statusCode(), "undeclared: authenticated");
    }
  }

  private static JsonObject registered(JsonObject registration) throws Exception {
    HttpResponse<String> answer = mesh.call("POST", "/bridge/services", registration);
    assertEquals(201, answer.statusCode(), answer.body());
    JsonObject body = new JsonObject(answer.body());
    assertTrue(body.getString("credential").startsWith("svc_"), "its own credential: " + body);
    return body;
  }
}
