package dev.mesh.gateway;

import static dev.mesh.gateway.GatewayRoutingTest.assertJsonError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Endpoint;
import dev.mesh.common.Reply;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import dev.mesh.gateway.bridge.BridgeSettings;
import dev.mesh.gateway.ratelimit.RateLimitSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on two clustered nodes share one set of token buckets (Bucket4j on the cluster's
 * Hazelcast): a burst spread over both, one call after another or all at once, is cut at the limit.
 * A small limit (1 % of it under one token) is exact: each token is taken by a compare-and-swap on the
 * one map entry of that bucket, so exactly {@code capacity} pass. A large one may pass its tolerance
 * more per gateway, never less than its capacity.
 */
class RateLimitTest {

  private static final String BRIDGE_SECRET = "the-operator-secret-of-this-test-0123456789";

  private static final int READS = 10;
  private static final int WRITES = 3;
  private static final int BURST = 40;
  /** 1 % of it is 3 tokens: each gateway answers from its own copy of the bucket for up to 3 requests. */
  private static final int BULK = 300;
  private static TestCluster cluster;
  private static Vertx first;
  private static Vertx second;
  private static Vertx serviceNode;
  private static List<String> gateways;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.create();
    first = cluster.join();
    second = cluster.join();
    serviceNode = cluster.join();
    gateways = List.of(deployGateway(first), deployGateway(second));
    TestCluster.await(serviceNode.deployVerticle(new TestService("meter", List.of(
        Endpoint.get("/api/meter/reading", "read", input -> Future.succeededFuture(Reply.ok(new JsonObject()))),
        Endpoint.get("/api/meter/public", "open", input -> Future.succeededFuture(Reply.ok(new JsonObject()))).open(),
        Endpoint.get("/api/meter/report", "report", input -> Future.succeededFuture(Reply.ok(new JsonObject())))
            .limitedAs("write"),
        Endpoint.get("/api/meter/stream", "stream", input -> Future.succeededFuture(Reply.ok(new JsonObject())))
            .limitedAs("burst"),
        Endpoint.get("/api/meter/bulk", "bulk", input -> Future.succeededFuture(Reply.ok(new JsonObject())))
            .limitedAs("bulk"))),
        new DeploymentOptions().setConfig(cluster.settings())));
    for (String gateway : gateways) {
      Eventually.await(Duration.ofSeconds(15), "the meter routed at " + gateway,
          () -> get(gateway, "/api/meter/info", cluster.tokens().admin()).statusCode() == 200);
    }
  }

  private static String deployGateway(Vertx node) {
    int port = TestCluster.freePort();
    JsonObject config = cluster.settings()
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "")
        .put(BridgeSettings.TCP_PORT, -1)
        .put(BridgeSettings.SECRET, BRIDGE_SECRET)
        .put(RateLimitSettings.LIMITS, "read=" + READS + "/3600,write=" + WRITES + "/3600,bridge=2/3600,burst=" + BURST
            + "/3600,bulk=" + BULK + "/3600")
        .put(RateLimitSettings.TOLERANCE, "0.01");
    TestCluster.await(node.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
    return "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() {
    TestCluster.await(Future.join(first.close(), second.close(), serviceNode.close()));
  }

  @Test
  void aBurstThroughTwoGatewaysIsCutAtTheOneLimit() throws Exception {
    String token = cluster.tokens().mint("burst-" + System.nanoTime(), "customer");
    int passed = 0;
    int refused = 0;
    for (int i = 0; i < 3 * READS; i++) {
      HttpResponse<String> answer = get(gateways.get(i % 2), "/api/meter/reading", token);
      assertEquals("\"read\";q=" + READS + ";w=3600", answer.headers().firstValue("RateLimit-Policy").orElse(""),
          "every answer names the policy");
      String state = answer.headers().firstValue("RateLimit").orElse("");
      if (answer.statusCode() == 200) {
        passed++;
        assertTrue(state.startsWith("\"read\";r=" + (READS - passed) + ";t="), "remaining counts down: " + state);
      } else {
        refused++;
        assertJsonError(answer, 429, "too_many_requests");
        long retryAfter = Long.parseLong(answer.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 3600 / READS + 1, "one token comes back within w/q: " + retryAfter);
        assertTrue(state.startsWith("\"read\";r=0;t="), state);
      }
    }
    assertEquals(READS, passed, "both gateways drew from one bucket");
    assertEquals(2 * READS, refused);

    // another class is another bucket; another identity too
    assertEquals(200, get(gateways.get(0), "/api/meter/report", token).statusCode());
    assertEquals("\"write\";q=" + WRITES + ";w=3600",
        get(gateways.get(1), "/api/meter/report", token).headers().firstValue("RateLimit-Policy").orElse(""));
    assertEquals(200, get(gateways.get(1), "/api/meter/reading", cluster.tokens().mint("other-" + System.nanoTime()))
        .statusCode());
  }

  @Test
  void aConcurrentBurstThroughTwoGatewaysIsCutAtTheOneLimit() {
    // all at once, so requests of one key meet in each gateway's batch and the two gateways' CASes race
    String token = cluster.tokens().mint("concurrent-" + System.nanoTime(), "customer");
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 3 * BURST; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(gateways.get(i % 2) + "/api/meter/stream"))
          .header("Authorization", Tokens.bearer(token)).GET().build();
      answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    Map<Integer, Long> byStatus = answers.stream().map(CompletableFuture::join)
        .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    assertEquals(Map.of(200, (long) BURST, 429, 2L * BURST), byStatus, "exactly the limit passes, the rest is refused");
  }

  @Test
  void aLargeLimitThroughTwoGatewaysPassesAtMostItsToleranceMore() {
    String token = cluster.tokens().mint("bulk-" + System.nanoTime(), "customer");
    long passed = 0;
    long refused = 0;
    // waves of concurrent calls, so each gateway's copy of the bucket runs ahead of the shared map
    for (int wave = 0; wave < 3 * BULK / 60; wave++) {
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateways.get(i % 2) + "/api/meter/bulk"))
            .header("Authorization", Tokens.bearer(token)).GET().build();
        answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        int status = answer.join().statusCode();
        assertTrue(status == 200 || status == 429, "allowed or refused, nothing else: " + status);
        if (status == 200) {
          passed++;
        } else {
          refused++;
        }
      }
    }
    long tolerance = 2 * (BULK / 100);
    assertTrue(passed >= BULK && passed <= BULK + tolerance,
        "the capacity passes, at most 1 % more per gateway: " + passed + " of " + (passed + refused));
  }

  @Test
  void anonymousCallsAreCountedPerClientAddress() throws Exception {
    // all anonymous calls of this test come from 127.0.0.1: one bucket for both gateways
    int passed = 0;
    for (int i = 0; i < 2 * READS; i++) {
      if (get(gateways.get(i % 2), "/api/meter/public", null).statusCode() == 200) {
        passed++;
      }
    }
    assertEquals(READS, passed);
    assertEquals(200, get(gateways.get(0), "/api/meter/public", cluster.tokens().mint("someone")).statusCode(),
        "a caller with a token has its own bucket");
  }

  @Test
  void bridgeRegistrationIsLimited() throws Exception {
    int created = 0;
    int limited = 0;
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(gateways.get(i % 2) + "/bridge/services"))
          .header("Authorization", "Bearer " + BRIDGE_SECRET).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "limited-" + i)
              .put("baseUrl", "http://127.0.0.1:9").put("routes", new JsonArray()).encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 201) {
        created++;
      } else {
        assertJsonError(answer, 429, "too_many_requests");
        limited++;
      }
    }
    assertEquals(2, created);
    assertEquals(2, limited);
  }

  private static HttpResponse<String> get(String gateway, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).GET();
    if (token != null) {
      request.header("Authorization", Tokens.bearer(token));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
