package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four JVMs as a real Prometheus sees them: the gateway's {@code /metrics} and each service's on its
 * health port, scraped every second. A known set of requests is sent first; PromQL must count exactly
 * those, per route template, and {@code promtool check metrics} must find every endpoint clean.
 */
class MetricsEndToEndTest {

  private static final Duration SCRAPED = Duration.ofSeconds(90);

  @TempDir
  static Path dir;
  private static MeshProcesses mesh;
  private static Prometheus prometheus;
  private static final Map<String, String> targets = new LinkedHashMap<>();

  @BeforeAll
  static void startMeshTrafficAndPrometheus() throws Exception {
    int gatewayPort = TestCluster.freePort();
    mesh = new MeshProcesses(TestCluster.create().settings(), dir.resolve("mesh"), gatewayPort);
    Map<String, Integer> health = mesh.withHealthPorts();
    mesh.startAll();
    mesh.awaitReady(Duration.ofSeconds(180));
    targets.put("gateway", "127.0.0.1:" + gatewayPort);
    targets.put("users", "127.0.0.1:" + health.get("user-verticle"));
    targets.put("inventory", "127.0.0.1:" + health.get("inventory-verticle"));
    targets.put("orders", "127.0.0.1:" + health.get("order-verticle"));
    sendKnownTraffic();
    prometheus = Prometheus.scraping(targets, dir.resolve("prometheus"), TestCluster.freePort(),
        Path.of("target", "mesh-logs", "prometheus.log").toAbsolutePath());
  }

  /** 5 info, 3 creates, 3 reads and 2 bad reads of users; one order that confirms and one that is short. */
  private static void sendKnownTraffic() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertEquals(200, mesh.get("/api/users/info").statusCode());
    }
    String userId = null;
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> created = mesh.post("/api/users",
          new JsonObject().put("email", "m" + i + "-" + UUID.randomUUID() + "@example.com").put("name", "Mia"));
      assertEquals(201, created.statusCode(), created.body());
      userId = new JsonObject(created.body()).getString("id");
      assertEquals(200, mesh.get("/api/users/" + userId).statusCode());
    }
    for (int i = 0; i < 2; i++) {
      assertEquals(400, mesh.get("/api/users/not-a-uuid").statusCode());
    }
    String sku = "sku-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, mesh.post("/api/inventory/products", new JsonObject().put("sku", sku).put("name", "Thing")
        .put("priceCents", 100).put("available", 5)).statusCode());
    for (int quantity : new int[] {1, 99}) {
      HttpResponse<String> placed = mesh.post("/api/orders", new JsonObject().put("userId", userId)
          .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", quantity))),
          "Idempotency-Key", UUID.randomUUID().toString());
      assertTrue(placed.statusCode() == 201 || placed.statusCode() == 202, placed.body());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void prometheusScrapesEveryJvm() {
    for (String job : targets.keySet()) {
      awaitValue("up{job=\"" + job + "\"}", 1.0);
    }
    // Vert.x's own meters and the JVM's, from every process
    for (String job : targets.keySet()) {
      awaitPositive("sum(jvm_memory_used_bytes{job=\"" + job + "\"})");
      awaitPositive("sum(vertx_eventbus_handlers{job=\"" + job + "\"})");
    }
    awaitPositive("sum(vertx_http_server_requests_total{job=\"gateway\"})");
    awaitValue("mesh_gateway_service_instances{service=\"users\"}", 1.0);
    awaitValue("mesh_breaker_state{job=\"gateway\",service=\"users\"}", 0.0);
  }

  @Test
  void theGatewayCountsEachRequestByRouteTemplate() {
    String byRoute = "sum by (route, method, status) (mesh_gateway_requests_seconds_count{job=\"gateway\","
        + "service=\"users\"})";
    Map<String, Double> expected = Map.of(
        "GET /api/users/info 200", 5.0,
        "POST /api/users 201", 3.0,
        "GET /api/users/:id 200", 3.0,
        "GET /api/users/:id 400", 2.0);
    Eventually.await(SCRAPED, byRoute, () -> series(byRoute, "method", "route", "status"), expected::equals);
    awaitValue("mesh_gateway_rejected_total{reason=\"bad_input\"}", 2.0);
    // the histogram answers quantiles per route
    awaitPositive("histogram_quantile(0.99, sum by (le) (mesh_gateway_requests_seconds_bucket{"
        + "route=\"/api/users/info\"}))");
  }

  @Test
  void servicesCountTheirActionsAndTheSagaItsOutcomes() {
    awaitValue("mesh_service_action_seconds_count{job=\"users\",action=\"info\",outcome=\"200\"}", 5.0);
    awaitValue("mesh_service_action_seconds_count{job=\"users\",action=\"get\",outcome=\"400\"}", 2.0);
    awaitValue("mesh_orders_saga_outcomes_total{state=\"CONFIRMED\",reason=\"ok\"}", 1.0);
    awaitValue("mesh_orders_saga_outcomes_total{state=\"REJECTED\",reason=\"stock\"}", 1.0);
    awaitValue("sum(mesh_orders_saga_duration_seconds_count)", 2.0);
    awaitValue("mesh_inventory_reservations_total{outcome=\"reserved\"}", 1.0);
    awaitValue("mesh_inventory_reservations_total{outcome=\"insufficient_stock\"}", 1.0);
    awaitValue("mesh_orders_pending", 0.0);
    awaitValue("mesh_orders_outbox_backlog", 0.0);
  }

  @Test
  void promtoolFindsEveryEndpointClean() throws Exception {
    for (Map.Entry<String, String> target : targets.entrySet()) {
      HttpResponse<String> scrape = Eventually.await(Duration.ofSeconds(30), target.getKey() + " /metrics",
          () -> httpGet("http://" + target.getValue() + "/metrics"), r -> r.statusCode() == 200);
      Process check = new ProcessBuilder(Prometheus.PROMTOOL, "check", "metrics").redirectErrorStream(true).start();
      check.getOutputStream().write(scrape.body().getBytes(StandardCharsets.UTF_8));
      check.getOutputStream().close();
      String findings = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
      assertEquals(0, check.exitValue(), target.getKey() + ": " + findings);
      assertEquals("", findings.strip(), target.getKey());
    }
  }

  private static HttpResponse<String> httpGet(String url) throws IOException, InterruptedException {
    return java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** "label1 label2 ... -> value" of each series of a query, e.g. {@code "GET /api/users 200" -> 3.0}. */
  private static Map<String, Double> series(String promql, String... labels) throws Exception {
    Map<String, Double> result = new LinkedHashMap<>();
    for (Object sample : prometheus.query(promql)) {
      JsonObject s = (JsonObject) sample;
      StringBuilder key = new StringBuilder();
      for (String label : labels) {
        key.append(key.length() == 0 ? "" : " ").append(s.getJsonObject("metric").getString(label));
      }
      result.put(key.toString(), Double.valueOf(s.getJsonArray("value").getString(1)));
    }
    return result;
  }

  private static void awaitValue(String promql, double expected) {
    Eventually.await(SCRAPED, promql, () -> prometheus.value(promql), v -> Objects.equals(v, expected));
  }

  private static void awaitPositive(String promql) {
    Eventually.await(SCRAPED, promql, () -> prometheus.value(promql), v -> v != null && v > 0);
  }
}
