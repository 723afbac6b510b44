package dev.mesh.gateway;

import static dev.mesh.gateway.GatewayRoutingTest.assertJsonError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Caller;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.Endpoint;
import dev.mesh.common.Reply;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import dev.mesh.gateway.bridge.BridgeSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what, through a real gateway and a real service on another clustered node, with real
 * RS256 tokens from the mesh's own key: the token table, each route's policy, and identity that a client
 * cannot forge.
 */
class SecurityTest {

  private static TestCluster cluster;
  private static Vertx gatewayNode;
  private static Vertx serviceNode;
  private static String gateway;
  private static Tokens tokens;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create();
    tokens = cluster.tokens();
    gatewayNode = cluster.join();
    serviceNode = cluster.join();
    int port = TestCluster.freePort();
    JsonObject config = cluster.settings()
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "")
        .put(BridgeSettings.TCP_PORT, -1) // not used here; its default 7000 may be taken on the machine
        .put("GATEWAY_ALLOWED_ORIGINS", "https://shop.example");
    TestCluster.await(gatewayNode.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
    gateway = "http://127.0.0.1:" + port;
    // each route answers with the caller the service was given
    TestCluster.await(serviceNode.deployVerticle(new TestService("vault", List.of(
        Endpoint.get("/api/vault/open", "open", SecurityTest::whoCalled).open(),
        Endpoint.get("/api/vault/mine", "mine", SecurityTest::whoCalled),
        Endpoint.post("/api/vault/mine", "change", SecurityTest::whoCalled).withHeader("X-Note", "note"),
        Endpoint.get("/api/vault/admin", "admin", SecurityTest::whoCalled).requireRoles("admin"),
        Endpoint.get("/api/vault/audit", "audit", SecurityTest::whoCalled).requireRoles("auditor"))),
        new DeploymentOptions().setConfig(cluster.settings())));
    Eventually.await(Duration.ofSeconds(15), "the vault's routes", () -> call("GET", "/api/vault/open", null, null).statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    TestCluster.await(Future.join(gatewayNode.close(), serviceNode.close()));
  }

  private static Future<Reply> whoCalled(JsonObject input) {
    Caller caller = Caller.of(input);
    return Future.succeededFuture(Reply.ok(new JsonObject().put("svc", caller.service())
        .put("sub", caller.subject()).put("roles", String.join(",", caller.roles().stream().sorted().toList()))
        .put("note", input.getString("note"))));
  }

  @Test
  void theTokenTable(@TempDir Path scratch) throws Exception {
    long now = Instant.now().getEpochSecond();
    JsonObject valid = Tokens.claims("ada");
    assertEquals(200, callAs("/api/vault/mine", tokens.sign(tokens.header(), valid)).statusCode(), "valid");
    assertEquals(200, callAs("/api/vault/mine", tokens.sign(tokens.header(), valid.copy().put("exp", now - 10)))
        .statusCode(), "expired 10 s ago is within the 30 s clock skew");

    refused("expired", tokens.sign(tokens.header(), valid.copy().put("exp", now - 120)));
    refused("not yet valid", tokens.sign(tokens.header(), valid.copy().put("nbf", now + 120)));
    refused("wrong issuer", tokens.sign(tokens.header(), valid.copy().put("iss", "someone-else")));
    refused("wrong audience", tokens.sign(tokens.header(), valid.copy().put("aud", "another-api")));
    JsonObject noAudience = valid.copy();
    noAudience.remove("aud");
    refused("no audience", tokens.sign(tokens.header(), noAudience));
    Path otherKeys = scratch.resolve("other-keys");
    Tokens stranger = Tokens.ofKeyDir(otherKeys);
    refused("wrong key, same kid", stranger.sign(tokens.header(), valid));
    refused("wrong key, its own kid", stranger.mint("ada"));
    String genuine = tokens.sign(tokens.header(), valid);
    String[] parts = genuine.split("\\.");
    String tampered = parts[0] + "." + Tokens.encode(valid.copy().put("sub", "admin").put("roles", List.of("admin")))
        + "." + parts[2];
    refused("tampered payload", tampered);
    refused("alg none", Tokens.encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "."
        + Tokens.encode(valid) + ".");
    refused("HS256 keyed with the public key", hmacWithPublicKey(valid));
    refused("unknown kid", tokens.sign(tokens.header().put("kid", "no-such-key"), valid));
    refused("no subject", tokens.sign(tokens.header(), valid.copy().put("sub", "")));
    refused("not a JWT", "abc.def");
    HttpResponse<String> basic = call("GET", "/api/vault/mine", null, "Basic YWRhOnB3");
    assertJsonError(basic, 401, "unauthorized");
  }

  @Test
  void eachRouteAsItsServiceDeclaredIt() throws Exception {
    HttpResponse<String> anonymous = call("GET", "/api/vault/open", null, null);
    assertEquals(200, anonymous.statusCode(), "a public route needs no token");
    assertEquals(GatewayVerticle.SENDER, new JsonObject(anonymous.body()).getString("svc"),
        "an edge call reaches the service as the gateway acting for its caller, never as the mesh itself");

    HttpResponse<String> noToken = call("GET", "/api/vault/mine", null, null);
    assertJsonError(noToken, 401, "unauthorized");
    assertEquals("Bearer realm=\"mesh\"", noToken.headers().firstValue("WWW-Authenticate").orElse(""));

    String customer = tokens.mint("ada", "customer");
    JsonObject seen = new JsonObject(callAs("/api/vault/mine", customer).body());
    assertEquals("ada", seen.getString("sub"));
    assertEquals("customer", seen.getString("roles"));

    assertJsonError(callAs("/api/vault/admin", customer), 403, "forbidden");
    assertJsonError(callAs("/api/vault/audit", customer), 403, "forbidden");
    assertEquals(200, callAs("/api/vault/audit", tokens.mint("eve", "auditor")).statusCode());
    assertEquals(200, callAs("/api/vault/audit", tokens.admin()).statusCode(), "admin may do everything");
    assertEquals(200, callAs("/api/vault/admin", tokens.admin()).statusCode());
  }

  /**
   * Roles reach the services as one comma-joined header: a role named {@code "customer,admin"} must not
   * arrive there as {@code admin}. Such a token, and any whose roles or scopes are not plain names, is a
   * 401 at the edge, on every route.
   */
  @Test
  void aRoleOrScopeThatCouldSplitDownstreamIsRefused() throws Exception {
    String smuggled = tokens.sign(tokens.header(), Tokens.claims("mallory", "customer,admin"));
    HttpResponse<String> admin = callAs("/api/vault/admin", smuggled);
    assertJsonError(admin, 401, "unauthorized");
    assertTrue(admin.body().contains("'roles' claim"), admin.body());
    refused("a role with a comma", smuggled);
    refused("a role with a space", tokens.sign(tokens.header(), Tokens.claims("mallory", "customer admin")));
    refused("a role that is not a string", tokens.sign(tokens.header(), Tokens.claims("mallory").put("roles",
        new JsonArray().add(1))));
    refused("roles as an object", tokens.sign(tokens.header(), Tokens.claims("mallory").put("roles",
        new JsonObject().put("admin", true))));
    refused("a scope list joined by commas", tokens.sign(tokens.header(), Tokens.claims("mallory").put("scope",
        "orders:read,orders:write")));
    assertEquals(200, callAs("/api/vault/mine", tokens.sign(tokens.header(), Tokens.claims("ada", "customer")
        .put("scope", "orders:read orders:write"))).statusCode(), "OAuth's space-separated scope string is fine");
  }

  @Test
  void aClientCannotForgeWhoItIs() throws Exception {
    String customer = tokens.mint("ada", "customer");
    HttpRequest forged = HttpRequest.newBuilder(URI.create(gateway + "/api/vault/mine"))
        .header("Authorization", Tokens.bearer(customer))
        .header(Identities.HEADER, "forged").header("mesh-subject", "admin").header("mesh-roles", "admin")
        .header("X-Mesh-Subject", "admin").header("X-Note", "hello")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
            .put(Caller.FIELD, new JsonObject().put("sub", "admin").put("roles", List.of("admin"))).encode()))
        .build();
    HttpResponse<String> answer = http.send(forged, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    JsonObject seen = new JsonObject(answer.body());
    assertEquals("ada", seen.getString("sub"), "identity comes from the token only");
    assertEquals("customer", seen.getString("roles"));
    assertEquals("hello", seen.getString("note"), "the route's own header mapping still works");

    assertThrows(IllegalArgumentException.class, () -> Endpoint.get("/api/x", "x", SecurityTest::whoCalled)
        .withHeader("X-Who", Caller.FIELD), "a route cannot map a header onto the caller");
    assertThrows(IllegalArgumentException.class, () -> Endpoint.get("/api/x", "x", SecurityTest::whoCalled)
        .withHeader(Identities.HEADER, "who"));
  }

  @Test
  void onlyAllowedOriginsOpenTheBrowserBridge() throws Exception {
    assertEquals(200, withOrigin(null), "no Origin: not a browser");
    assertEquals(200, withOrigin(gateway), "the gateway's own page");
    assertEquals(200, withOrigin("https://shop.example"), "listed in GATEWAY_ALLOWED_ORIGINS");
    assertEquals(403, withOrigin("https://evil.example"), "another site's page");
    HttpResponse<String> dashboard = http.send(HttpRequest.newBuilder(URI.create(gateway + "/")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, dashboard.statusCode(), "the dashboard is public");
    assertEquals(200, call("GET", "/health", null, null).statusCode());
  }

  private static int withOrigin(String origin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + "/eventbus/info")).GET();
    if (origin != null) {
      request.header("Origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static void refused(String what, String token) throws Exception {
    HttpResponse<String> answer = callAs("/api/vault/open", token);
    assertEquals(401, answer.statusCode(), what + ": " + answer.body());
    assertJsonError(answer, 401, "unauthorized");
    assertTrue(answer.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""), what);
  }

  /** The classic confusion attack: the public key, which anyone may know, used as an HMAC secret. */
  private static String hmacWithPublicKey(JsonObject claims) throws Exception {
    String input = Tokens.encode(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", tokens.kid()))
        + "." + Tokens.encode(claims);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(tokens.publicPem().getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
    return input + "." + Tokens.base64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  private static HttpResponse<String> callAs(String path, String token) throws Exception {
    return call("GET", path, null, Tokens.bearer(token));
  }

  private static HttpResponse<String> call(String method, String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
