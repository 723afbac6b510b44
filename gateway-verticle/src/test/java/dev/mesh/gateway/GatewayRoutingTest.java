package dev.mesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Caller;
import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshError;
import dev.mesh.common.Reply;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import dev.mesh.gateway.bridge.BridgeSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway on one clustered node, real services on another: routes follow the registry, and every
 * failure is a JSON answer with the right status.
 */
class GatewayRoutingTest {

  private static TestCluster cluster;
  private static Vertx gatewayNode;
  private static Vertx serviceNode;
  private static String gateway;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startGateway() {
    cluster = TestCluster.create();
    gatewayNode = cluster.join();
    serviceNode = cluster.join();
    int port = TestCluster.freePort();
    JsonObject config = cluster.settings()
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "")
        .put(BridgeSettings.TCP_PORT, -1) // not used here; its default 7000 may be taken on the machine
        // every call of this class waits this long at most; a loaded machine answers well within it, and
        // the one test of a service that never answers waits it out
        .put(GatewayVerticle.REQUEST_TIMEOUT_MS, 5000)
        .put(GatewayVerticle.BODY_LIMIT, 1024)
        .put("GATEWAY_BREAKER_MAX_FAILURES", 3)
        .put("GATEWAY_BREAKER_RESET_MS", 30_000);
    TestCluster.await(gatewayNode.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
    gateway = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() {
    TestCluster.await(Future.join(gatewayNode.close(), serviceNode.close()));
  }

  @Test
  void aServiceIsRoutedWhenItPublishesAndAnswers503WhenItGoes() throws Exception {
    assertEquals(404, get("/api/echo/items/7").statusCode(), "not routed before the service exists");

    String deployment = deploy(new TestService("echo", List.of(
        Endpoint.get("/api/echo/items/:id", "show", input -> Future.succeededFuture(Reply.ok(input))))));

    HttpResponse<String> routed = eventually(() -> get("/api/echo/items/7?color=red"), r -> r.statusCode() == 200);
    JsonObject echoed = new JsonObject(routed.body());
    assertEquals("admin", ((JsonObject) echoed.remove(Caller.FIELD)).getString("sub"), "the verified caller comes along");
    assertEquals(new JsonObject().put("id", "7").put("color", "red"), echoed,
        "path and query parameters reach the action as fields");
    JsonObject info = new JsonObject(get("/api/echo/info").body());
    assertEquals("echo", info.getString("service"));

    TestCluster.await(serviceNode.undeploy(deployment));
    HttpResponse<String> gone = eventually(() -> get("/api/echo/items/7"), r -> r.statusCode() == 503);
    assertJsonError(gone, 503, "unavailable");
  }

  @Test
  void theBreakerOpensAfterFailuresAndThenAnswersAtOnceWithoutCallingTheService() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    deploy(new TestService("flaky", List.of(
        Endpoint.get("/api/flaky/boom", "boom", input -> {
          calls.incrementAndGet();
          return Future.failedFuture(MeshError.internal("boom"));
        }),
        Endpoint.get("/api/flaky/bad", "bad", input -> Future.failedFuture(MeshError.badRequest("no"))))));
    eventually(() -> get("/api/flaky/info"), r -> r.statusCode() == 200);

    for (int i = 0; i < 5; i++) {
      assertEquals(400, get("/api/flaky/bad").statusCode(), "a 4xx is an answer, not a fault");
    }
    assertEquals("CLOSED", breakerOf("flaky"));

    while (calls.get() < 3) {
      assertJsonError(get("/api/flaky/boom"), 500, "internal");
    }
    assertEquals("OPEN", breakerOf("flaky"));
    int callsWhenOpened = calls.get();

    HttpResponse<String> refused = get("/api/flaky/boom");
    assertJsonError(refused, 503, "unavailable");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After comes from the 30 s reset time: " + retryAfter);
    assertEquals(callsWhenOpened, calls.get(), "an open breaker does not reach the service");
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeIs504() throws Exception {
    deploy(new TestService("slow", List.of(
        Endpoint.get("/api/slow/never", "never", input -> Promise.<Reply>promise().future()))));
    eventually(() -> get("/api/slow/info"), r -> r.statusCode() == 200);

    assertJsonError(get("/api/slow/never"), 504, "timeout");
  }

  @Test
  void unknownRoutesAndBadBodiesAreJsonErrors() throws Exception {
    deploy(new TestService("store", List.of(
        Endpoint.post("/api/store/things", "create", input -> Future.succeededFuture(Reply.created(input))))));
    eventually(() -> get("/api/store/info"), r -> r.statusCode() == 200);

    assertJsonError(get("/nowhere"), 404, "not_found");
    assertJsonError(get("/api/store/things/1/2"), 404, "not_found");
    assertJsonError(post("/api/store/things", "{not json"), 400, "bad_request");
    assertJsonError(post("/api/store/things", "[1,2]"), 400, "bad_request");
    assertJsonError(post("/api/store/things", "{\"a\":\"" + "x".repeat(2000) + "\"}"), 413, "too_large");

    HttpResponse<String> created = post("/api/store/things", "{\"a\":1}");
    assertEquals(201, created.statusCode());
    assertEquals(1, new JsonObject(created.body()).getInteger("a"));
  }

  @Test
  void declaredHeadersBecomeFieldsAndExpansionsEmbedWhatIsAvailable() throws Exception {
    deploy(new TestService("people", List.of(
        Endpoint.action("get", input -> Future.succeededFuture(Reply.ok(new JsonObject()
            .put("id", input.getString("id")).put("name", "Ada")))))));
    // "goods" is never deployed: its part of the answer is unavailable, the rest still comes
    deploy(new TestService("shop", List.of(
        Endpoint.post("/api/shop/orders", "create", input -> Future.succeededFuture(Reply.created(input)))
            .withHeader("Idempotency-Key", "idempotencyKey"),
        Endpoint.get("/api/shop/orders/:id", "get", input -> Future.succeededFuture(Reply.ok(new JsonObject()
                .put("id", input.getString("id")).put("userId", "u1")
                .put("items", new io.vertx.core.json.JsonArray()
                    .add(new JsonObject().put("sku", "a")).add(new JsonObject().put("sku", "b"))))))
            .withExpansion("user", "userId", "people", "get", "id", "user")
            .withExpansion("products", "items[].sku", "goods", "get", "sku", "product"))));
    eventually(() -> get("/api/shop/info"), r -> r.statusCode() == 200);

    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/shop/orders"))
        .header("Idempotency-Key", "key-1").header("Authorization", admin()).POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("key-1", new JsonObject(created.body()).getString("idempotencyKey"));

    HttpResponse<String> expanded = get("/api/shop/orders/9?expand=user,products");
    assertEquals(200, expanded.statusCode(), expanded.body());
    JsonObject order = new JsonObject(expanded.body());
    assertEquals("Ada", order.getJsonObject("user").getString("name"));
    assertEquals(false, order.containsKey("expand"), "expand is the gateway's, not the service's");
    JsonObject product = order.getJsonArray("items").getJsonObject(1).getJsonObject("product");
    assertEquals(true, product.getBoolean("unavailable"));
    assertEquals(503, product.getJsonObject("error").getInteger("status"));

    assertEquals(400, get("/api/shop/orders/9?expand=user,everything").statusCode());
    assertEquals(false, new JsonObject(get("/api/shop/orders/9").body()).containsKey("user"));
  }

  @Test
  void healthIsAlwaysUp() throws Exception {
    HttpResponse<String> health = get("/health");
    assertEquals(200, health.statusCode());
    assertEquals("UP", new JsonObject(health.body()).getString("status"));
  }

  private static String deploy(TestService service) {
    return TestCluster.await(serviceNode.deployVerticle(service, new DeploymentOptions().setConfig(cluster.settings())));
  }

  private static String breakerOf(String service) throws Exception {
    JsonObject ready = new JsonObject(get("/ready").body());
    return ready.getJsonObject("services").getJsonObject(service).getString("breaker");
  }

  static void assertJsonError(HttpResponse<String> response, int status, String error) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject body = new JsonObject(response.body());
    assertEquals(status, body.getInteger("status"));
    assertEquals(error, body.getString("error"));
    assertTrue(!body.getString("message", "").isEmpty(), "the error says why");
  }

  /** Every call here is the operator's: what routes may refuse is SecurityTest's subject. */
  static String admin() {
    return Tokens.bearer(cluster.tokens().admin());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Authorization", admin()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gateway + path))
        .header("Content-Type", "application/json").header("Authorization", admin())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  interface Call {
    HttpResponse<String> send() throws Exception;
  }

  /** Repeats a call until the registry change it waits for shows (bounded: 30 s). */
  static HttpResponse<String> eventually(Call call, Predicate<HttpResponse<String>> done) {
    return Eventually.await(Duration.ofSeconds(30), "the gateway's answer", call::send, done);
  }
}
