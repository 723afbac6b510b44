package dev.mesh.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import dev.mesh.gateway.GatewayVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A gateway with its bridge on one clustered node and a Java service ({@link EchoService}) on another,
 * with short bridge timings so that losing a service shows within seconds.
 */
final class BridgeFixture implements AutoCloseable {

  static final String SECRET = "test-secret";

  final TestCluster cluster = TestCluster.create();
  final Vertx gatewayNode = cluster.join();
  final Vertx serviceNode = cluster.join();
  final String gateway;
  final int tcpPort = TestCluster.freePort();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  BridgeFixture() {
    this(new JsonObject());
  }

  /** With settings of the test's own on top of the fixture's. */
  BridgeFixture(JsonObject extraSettings) {
    int port = TestCluster.freePort();
    JsonObject config = cluster.settings()
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "")
        .put(GatewayVerticle.REQUEST_TIMEOUT_MS, 2000)
        .put(BridgeSettings.SECRET, SECRET)
        .put(BridgeSettings.HEARTBEAT_INTERVAL_MS, 300)
        .put(BridgeSettings.HEARTBEAT_TIMEOUT_MS, 1500)
        .put(BridgeSettings.FORGET_AFTER_MS, 4000)
        .put(BridgeSettings.WEBHOOK_BACKOFF_MS, 20)
        .put(BridgeSettings.TCP_PORT, tcpPort)
        .mergeIn(extraSettings);
    TestCluster.await(gatewayNode.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
    TestCluster.await(serviceNode.deployVerticle(new EchoService(), new DeploymentOptions().setConfig(cluster.settings())));
    gateway = "http://127.0.0.1:" + port;
  }

  /** With the credential each door asks for: the bridge secret under /bridge, an admin's token elsewhere. */
  HttpResponse<String> call(String method, String path, JsonObject body) throws Exception {
    return call(method, path, body, path.startsWith("/bridge") ? "Bearer " + SECRET
        : Tokens.bearer(cluster.tokens().admin()));
  }

  HttpResponse<String> call(String method, String path, JsonObject body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpClient http() {
    return http;
  }

  /** Registers and returns the id the bridge gave. */
  String register(JsonObject registration) throws Exception {
    HttpResponse<String> registered = call("POST", "/bridge/services", registration);
    assertEquals(201, registered.statusCode(), registered.body());
    return new JsonObject(registered.body()).getString("id");
  }

  int instances(String service) throws Exception {
    JsonObject ready = new JsonObject(call("GET", "/ready", null).body());
    JsonObject state = ready.getJsonObject("services").getJsonObject(service);
    return state == null ? 0 : state.getInteger("instances");
  }

  interface Call {
    HttpResponse<String> send() throws Exception;
  }

  /** Repeats a call until it shows what the test waits for (bounded: 30 s). */
  static HttpResponse<String> eventually(Call call, Predicate<HttpResponse<String>> done) {
    return Eventually.await(Duration.ofSeconds(30), "the gateway's answer", call::send, done);
  }

  static JsonObject assertJsonError(HttpResponse<String> response, int status, String error) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject body = new JsonObject(response.body());
    assertEquals(status, body.getInteger("status"), response.body());
    assertEquals(error, body.getString("error"), response.body());
    assertTrue(!body.getString("message", "").isEmpty(), "the error says why");
    return body;
  }

  @Override
  public void close() {
    TestCluster.await(Future.join(gatewayNode.close(), serviceNode.close()));
  }
}
