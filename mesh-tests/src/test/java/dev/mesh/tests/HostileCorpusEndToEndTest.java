package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.Registry;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.HostileCorpus;
import dev.mesh.common.testing.RawCases;
import dev.mesh.common.testing.RawHttp;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hostile client against the four JVMs: the generated corpus ({@link HostileCorpus}) over every route
 * the live registry holds and every call the bridge lists, plus the raw-socket cases ({@link RawCases})
 * aimed at a real user. Every answer is below 500 and every 4xx is in the error shape; framing errors
 * close the connection; afterwards users, products (with their stock), orders and the bridge's
 * registrations are exactly as before, and the gateway logged no error.
 */
class HostileCorpusEndToEndTest {

  private static final Logger log = LoggerFactory.getLogger(HostileCorpusEndToEndTest.class);
  private static final String SECRET = "corpus-" + UUID.randomUUID();

  @TempDir
  static Path dataDir;
  private static MeshProcesses mesh;
  private static Vertx observer;
  private static TestCluster cluster;
  private static int port;
  private static String userId;
  private static String sku;
  private static String orderId;

  @BeforeAll
  static void startMesh() throws Exception {
    cluster = TestCluster.create();
    // the seeded order stays CONFIRMED (its stock reserved) for the whole run
    mesh = MeshProcesses.ready(cluster.settings().put("BRIDGE_SECRET", SECRET)
        .put("ORDERS_CANCEL_WINDOW_MS", 3_600_000), dataDir);
    port = URI.create(mesh.gateway).getPort();
    observer = cluster.join();
    userId = created(mesh.post("/api/users", new JsonObject().put("email", "eve-" + UUID.randomUUID() + "@example.com")
        .put("name", "Eve")));
    sku = "CORPUS-" + UUID.randomUUID().toString().substring(0, 8);
    created(mesh.post("/api/inventory/products", new JsonObject().put("sku", sku).put("name", "Target")
        .put("priceCents", 100).put("available", 10)));
    orderId = created(mesh.post("/api/orders", new JsonObject().put("userId", userId).put("items", new JsonArray()
        .add(new JsonObject().put("sku", sku).put("quantity", 2))), "Idempotency-Key", UUID.randomUUID().toString()));
    Eventually.await(Duration.ofSeconds(30), "the seeded order is confirmed",
        () -> new JsonObject(mesh.get("/api/orders/" + orderId).body()).getString("status").equals("CONFIRMED"));
  }

  @AfterAll
  static void stopMesh() throws Exception {
    if (observer != null) {
      TestCluster.await(observer.close());
    }
    mesh.close();
  }

  @Test
  void everyHostileRequestIsAJsonClientErrorAndChangesNothing() throws Exception {
    List<HostileCorpus.Route> routes = registryRoutes();
    List<HostileCorpus.Route> bridgeCalls = bridgeCalls();
    List<HostileCorpus.Probe> probes = new ArrayList<>(HostileCorpus.forRoutes(routes, this::realPath));
    probes.addAll(HostileCorpus.forBridge(bridgeCalls, SECRET));
    probes.addAll(HostileCorpus.forGatewayPaths(List.of("/health", "/ready", "/", "/dashboard/app.js", "/eventbus/info")));
    List<RawCases.RawCase> raw = RawCases.all("/api/users", "DELETE /api/users/" + userId);
    JsonObject before = state();
    Path gatewayLog = Path.of("target", "mesh-logs", "gateway-verticle.log");
    long logStart = Files.size(gatewayLog);
    long started = System.nanoTime();

    List<String> wrong = new ArrayList<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (HostileCorpus.Probe probe : probes) {
      RawHttp.Answer answer = RawHttp.exchange(port, probe.bytes(), false, Duration.ofSeconds(15));
      String problem = HostileCorpus.problem(probe, answer);
      if (problem != null) {
        wrong.add(probe + ": " + problem + " [" + shorten(answer.toString()) + "]");
      }
      counts.merge(probe.kind(), 1, Integer::sum);
    }
    for (RawCases.RawCase rawCase : raw) {
      RawHttp.Answer answer = RawHttp.exchange(port, rawCase.bytes(), rawCase.mustClose(), Duration.ofSeconds(5));
      if (!rawCase.statuses().contains(answer.status()) || (rawCase.mustClose() && !answer.closed())
          || !answer.after().isEmpty() || (answer.status() > 0 && !isErrorShape(answer))) {
        wrong.add("raw " + rawCase.name() + ": " + shorten(answer.toString()));
      }
      counts.merge("raw", 1, Integer::sum);
    }
    long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    log.info("hostile corpus: {} requests in {} ms over {} routes and {} bridge calls: {}",
        probes.size() + raw.size(), tookMs, routes.size(), bridgeCalls.size(), counts);

    assertEquals(List.of(), wrong, wrong.size() + " of " + (probes.size() + raw.size()) + " hostile requests");
    assertTrue(probes.size() + raw.size() >= 1000, "the corpus holds " + (probes.size() + raw.size()));
    assertEquals(before, state(), "the domain and the bridge are as they were");
    String logged = Files.readString(gatewayLog).substring((int) logStart);
    // Hazelcast may warn about its own affairs; the gateway's and Vert.x's loggers must stay quiet
    List<String> errors = logged.lines().filter(l -> l.contains(" ERROR ")
        || (l.contains(" WARN ") && (l.contains("] d.m.") || l.contains("] i.v.")))).toList();
    assertEquals(List.of(), errors, "a client's garbage is not in the gateway's error log");
  }

  /** Every route of every service, as the registry holds it (so a new route is covered by itself). */
  private static List<HostileCorpus.Route> registryRoutes() {
    List<HostileCorpus.Route> routes = new ArrayList<>();
    for (Record record : TestCluster.await(Registry.create(observer, MeshConfig.of(cluster.settings())).records())) {
      JsonArray declared = record.getMetadata().getJsonArray(Registry.ROUTES, new JsonArray());
      for (Object route : declared) {
        JsonObject json = (JsonObject) route;
        HostileCorpus.Route corpusRoute = new HostileCorpus.Route(json.getString("method"), json.getString("path"));
        if (!routes.contains(corpusRoute)) {
          routes.add(corpusRoute);
        }
      }
    }
    assertTrue(routes.size() >= 15, "the registry lists the services' routes: " + routes);
    return routes;
  }

  private static List<HostileCorpus.Route> bridgeCalls() throws Exception {
    RawHttp.Answer described = RawHttp.exchange(port, "GET /bridge HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer "
        + SECRET + "\r\n\r\n", false, Duration.ofSeconds(10));
    List<HostileCorpus.Route> calls = new ArrayList<>();
    described.json().getJsonArray("routes").forEach(r -> calls.add(new HostileCorpus.Route(
        ((JsonObject) r).getString("method"), ((JsonObject) r).getString("path"))));
    return calls;
  }

  /** The route with its parameters naming things that exist, so a refused request could have hurt them. */
  private String realPath(HostileCorpus.Route route) {
    String path = route.path();
    if (path.startsWith("/api/users/")) {
      return path.replace(":id", userId);
    }
    if (path.startsWith("/api/orders/")) {
      return path.replace(":id", orderId);
    }
    return path.replace(":sku", sku).replace(":orderId", orderId).replaceAll(":[^/]+", "x");
  }

  /** What a hostile client must not change: every user, product (with stock) and order, and the bridge's lists. */
  private static JsonObject state() throws Exception {
    return new JsonObject()
        .put("users", all("/api/users"))
        .put("products", all("/api/inventory/products"))
        .put("orders", all("/api/orders"))
        .put("bridgeServices", bridge("/bridge/services"))
        .put("bridgeSubscriptions", bridge("/bridge/subscriptions"));
  }

  private static JsonArray all(String path) throws Exception {
    JsonArray items = new JsonArray();
    String after = null;
    do {
      HttpResponse<String> page = mesh.get(path + "?limit=100" + (after == null ? "" : "&after=" + after));
      assertEquals(200, page.statusCode(), page.body());
      JsonObject body = new JsonObject(page.body());
      body.getJsonArray("items").forEach(items::add);
      after = body.getString("next");
    } while (after != null);
    return items;
  }

  private static JsonObject bridge(String path) throws Exception {
    HttpResponse<String> answer = mesh.send("GET", path, null, Map.of("Authorization", "Bearer " + SECRET));
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject(answer.body());
  }

  private static String created(HttpResponse<String> response) {
    assertTrue(response.statusCode() == 201 || response.statusCode() == 202, response.body());
    JsonObject body = new JsonObject(response.body());
    return body.getString("id", body.getString("sku"));
  }

  private static boolean isErrorShape(RawHttp.Answer answer) {
    try {
      JsonObject error = answer.json();
      return error.getInteger("status", -1) == answer.status() && error.getValue("error") instanceof String
          && error.getValue("message") instanceof String;
    } catch (RuntimeException notJson) {
      return false;
    }
  }

  private static String shorten(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
