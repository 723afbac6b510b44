package dev.mesh.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.Registry;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.HostileCorpus;
import dev.mesh.common.testing.RawCases;
import dev.mesh.common.testing.RawHttp;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.gateway.GatewayVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The gateway's edge against what only a raw socket can send ({@link RawCases}): each answer is a 4xx
 * in the mesh's error shape, a framing error closes the connection, a request smuggled in a body is
 * never executed, and none of it reaches the error log. A real service on a second clustered node
 * records every call it gets.
 */
class HostileEdgeTest {

  private static TestCluster cluster;
  private static Vertx gatewayNode;
  private static Vertx serviceNode;
  private static int port;
  private static final String SECRET = "corpus-secret";
  private static final List<String> calls = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  /** A service whose every call is recorded: nothing of a refused request may reach it. */
  static final class Vault extends MeshService {
    @Override
    protected String name() {
      return "vault";
    }

    @Override
    protected List<Endpoint> endpoints() {
      // public routes: what refuses a request here must be the edge itself, not a missing token
      return List.of(
          Endpoint.post("/api/vault/items", "create", input -> record("create", input)).open(),
          Endpoint.get("/api/vault/items/:id", "get", input -> record("get", input)).open(),
          Endpoint.delete("/api/vault/items/:id", "delete", input -> record("delete", input)).open());
    }

    private static Future<Reply> record(String action, JsonObject input) {
      calls.add(action + " " + input.encode());
      return Future.succeededFuture(Reply.ok(input));
    }
  }

  @BeforeAll
  static void start() {
    cluster = TestCluster.create();
    gatewayNode = cluster.join();
    serviceNode = cluster.join();
    port = TestCluster.freePort();
    JsonObject config = cluster.settings()
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "vault")
        .put("BRIDGE_SECRET", SECRET)
        .put("BRIDGE_TCP_PORT", -1);
    TestCluster.await(gatewayNode.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
    TestCluster.await(serviceNode.deployVerticle(new Vault(), new DeploymentOptions().setConfig(cluster.settings())));
    Eventually.await(Duration.ofSeconds(20), "the vault is routed",
        () -> RawHttp.exchange(port, "GET /ready HTTP/1.1\r\nHost: gw\r\n\r\n", false, Duration.ofSeconds(5)).status() == 200);
  }

  @AfterAll
  static void stop() {
    TestCluster.await(Future.join(gatewayNode.close(), serviceNode.close()));
  }

  @BeforeEach
  void watchTheLog() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logged);
    calls.clear();
  }

  @AfterEach
  void stopWatching() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
  }

  @Test
  void everyRawCaseIsAJsonErrorAndFramingErrorsCloseTheConnection() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (RawCases.RawCase raw : RawCases.all("/api/vault/items", "DELETE /api/vault/items/1")) {
      RawHttp.Answer answer = RawHttp.exchange(port, raw.bytes(), raw.mustClose(), Duration.ofSeconds(5));
      String problem = problem(raw, answer);
      if (problem != null) {
        wrong.add(raw.name() + ": " + problem + " [" + answer + "]");
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(calls.stream().noneMatch(c -> c.startsWith("delete") || c.startsWith("create")),
        "no refused request reached the service: " + calls);
    List<String> errors = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertEquals(List.of(), errors, "a client's garbage is logged at DEBUG only");
  }

  @Test
  void aSoundRequestOnTheSameConnectionAfterAnErrorIsStillServedWhenTheErrorIsNotFraming() throws Exception {
    RawHttp.Answer answer = RawHttp.exchange(port, "GET /api/vault/items/%zz HTTP/1.1\r\nHost: gw\r\n\r\n"
        + "GET /api/vault/items/7 HTTP/1.1\r\nHost: gw\r\n\r\n", true, Duration.ofSeconds(2));
    assertEquals(400, answer.status(), answer.toString());
    assertTrue(answer.after().startsWith("HTTP/1.1 200"), "the next request is served: " + answer);
  }

  @Test
  void aClientThatLeavesInTheMiddleOfItsBodyIsLoggedAtDebugOnly() throws Exception {
    Logger faults = (Logger) LoggerFactory.getLogger(ClientFaults.class);
    Level level = faults.getLevel();
    faults.setLevel(Level.DEBUG);
    try {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.getOutputStream().write(("POST /api/vault/items HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100\r\n\r\n{\"a\":").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }
      Eventually.await(Duration.ofSeconds(10), "the gateway notices the client left",
          () -> logged.list.stream().anyMatch(e -> e.getLoggerName().equals(ClientFaults.class.getName())));
    } finally {
      faults.setLevel(level);
    }
    List<String> errors = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertEquals(List.of(), errors, "a client that leaves is no error of the mesh");
    assertEquals(List.of(), calls, "a body that never arrived runs nothing");
  }

  /**
   * The generated corpus over the vault's routes as the registry publishes them and over every bridge
   * call as {@code GET /bridge} lists them: no 5xx, every 4xx in the error shape, and no refused request
   * reaches the service.
   */
  @Test
  void theGeneratedCorpusOverEveryRouteAndBridgeCall() throws Exception {
    List<HostileCorpus.Route> routes = new ArrayList<>();
    for (Record record : TestCluster.await(Registry.create(gatewayNode, MeshConfig.of(cluster.settings())).records())) {
      if (record.getName().equals("vault")) {
        record.getMetadata().getJsonArray(Registry.ROUTES).forEach(r -> routes.add(new HostileCorpus.Route(
            ((JsonObject) r).getString("method"), ((JsonObject) r).getString("path"))));
      }
    }
    RawHttp.Answer bridge = RawHttp.exchange(port, "GET /bridge HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + SECRET
        + "\r\n\r\n", false, Duration.ofSeconds(5));
    List<HostileCorpus.Route> bridgeRoutes = new ArrayList<>();
    bridge.json().getJsonArray("routes").forEach(r -> bridgeRoutes.add(new HostileCorpus.Route(
        ((JsonObject) r).getString("method"), ((JsonObject) r).getString("path"))));
    assertTrue(routes.size() >= 4 && bridgeRoutes.size() >= 10, routes + " " + bridgeRoutes);

    List<HostileCorpus.Probe> probes = new ArrayList<>(HostileCorpus.forRoutes(routes, route -> route.path().replace(":id", "1")));
    probes.addAll(HostileCorpus.forBridge(bridgeRoutes, SECRET));
    probes.addAll(HostileCorpus.forGatewayPaths(List.of("/health", "/ready", "/", "/dashboard/app.js", "/eventbus/info")));
    List<String> wrong = new ArrayList<>();
    for (HostileCorpus.Probe probe : probes) {
      int before = calls.size();
      RawHttp.Answer answer = RawHttp.exchange(port, probe.bytes(), false, Duration.ofSeconds(10));
      String problem = HostileCorpus.problem(probe, answer);
      if (problem == null && probe.expect() == HostileCorpus.Expect.REJECTED && calls.size() != before) {
        problem = "reached the service: " + calls.get(calls.size() - 1);
      }
      if (problem != null) {
        wrong.add(probe + ": " + problem + " [" + abbreviate(answer.toString()) + "]");
      }
    }
    assertEquals(List.of(), wrong, wrong.size() + " of " + probes.size() + " probes");
    assertTrue(probes.size() >= 400, "probes: " + probes.size());
    List<String> errors = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertEquals(List.of(), errors, "a client's garbage is not an error of the mesh");
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  static String problem(RawCases.RawCase raw, RawHttp.Answer answer) {
    if (!raw.statuses().contains(answer.status())) {
      return "status " + answer.status() + ", expected one of " + raw.statuses();
    }
    if (answer.status() > 0) {
      try {
        JsonObject error = answer.json();
        if (error.getInteger("status") != answer.status() || !(error.getValue("error") instanceof String)
            || !(error.getValue("message") instanceof String)) {
          return "not the error shape";
        }
      } catch (RuntimeException notJson) {
        return "body is not JSON";
      }
    }
    if (raw.mustClose() && !answer.closed()) {
      return "connection left open";
    }
    if (!answer.after().isEmpty()) {
      return "more was answered after the first response";
    }
    return null;
  }
}
