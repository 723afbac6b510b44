package dev.mesh.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.RawHttp;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.gateway.GatewayVerticle;
import dev.mesh.gateway.bridge.BridgeSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge's own limits on a real clustered gateway, with clients on several loopback addresses
 * (127.0.0.2, .3, ...) standing in for client hosts: requests per address before authentication,
 * connections in all and per address, idle connections on the HTTP edge and the TCP bridge. Each test
 * deploys a gateway with its own settings; readiness is polled from 127.0.0.1, which no test floods.
 */
class EdgeLimitsTest {

  /** A year: no token comes back while a test runs, so every count is exact. */
  private static final int YEAR_SECONDS = 365 * 24 * 3600;
  private static final Duration BOUND = Duration.ofSeconds(20);

  private static TestCluster cluster;
  private static Vertx gatewayNode;
  private static Vertx serviceNode;
  private static final AtomicInteger calls = new AtomicInteger();
  private final List<EdgeClient> clients = new ArrayList<>();
  private String deployment;
  private int port;

  /** A public route that counts its calls: a refused request must never reach it. */
  static final class Vault extends MeshService {
    @Override
    protected String name() {
      return "vault";
    }

    @Override
    protected List<Endpoint> endpoints() {
      return List.of(Endpoint.get("/api/vault/items/:id", "get", input -> {
        calls.incrementAndGet();
        return Future.succeededFuture(Reply.ok(new JsonObject().put("id", input.getString("id"))));
      }).open());
    }
  }

  @BeforeAll
  static void start() {
    cluster = TestCluster.create();
    gatewayNode = cluster.join();
    serviceNode = cluster.join();
    TestCluster.await(serviceNode.deployVerticle(new Vault(), new DeploymentOptions().setConfig(cluster.settings())));
  }

  @AfterAll
  static void stop() {
    TestCluster.await(Future.join(gatewayNode.close(), serviceNode.close()));
  }

  @AfterEach
  void undeploy() throws Exception {
    for (EdgeClient client : clients) {
      client.close();
    }
    if (deployment != null) {
      TestCluster.await(gatewayNode.undeploy(deployment));
    }
  }

  private void deployGateway(Map<String, Object> limits) {
    port = TestCluster.freePort();
    JsonObject config = cluster.settings()
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "vault")
        .put(BridgeSettings.TCP_PORT, -1);
    limits.forEach(config::put);
    deployment = TestCluster.await(gatewayNode.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
  }

  private void awaitVaultRouted() {
    Eventually.await(BOUND, "the vault is routed", () -> RawHttp.exchange(port,
        "GET /api/vault/items/0 HTTP/1.1\r\nHost: gw\r\n\r\n", false, Duration.ofSeconds(5)).status() == 200);
  }

  private EdgeClient connect(String from) throws Exception {
    EdgeClient client = new EdgeClient(from, port, BOUND);
    clients.add(client);
    return client;
  }

  /**
   * 2,000 requests with a bad token from one address: before this limit every one was checked and
   * answered 401; now the address's bucket (1,000 here) is spent and the rest are 429 before any token
   * is checked. Everything else from that address is refused too (anonymous, malformed, undecodable),
   * while another address is served as before.
   */
  @Test
  void aFloodFromOneAddressIsCutBeforeAuthentication() throws Exception {
    deployGateway(Map.of(EdgeLimits.RATE, "1000/" + YEAR_SECONDS));
    awaitVaultRouted();
    EdgeClient flood = connect("127.0.0.2");
    Map<Integer, Integer> byStatus = new TreeMap<>();
    for (int i = 0; i < 2000; i++) {
      EdgeClient.Answer answer = flood.get("/api/vault/items/" + i, "Authorization: Bearer not.a.token\r\n");
      byStatus.merge(answer.status(), 1, Integer::sum);
      if (answer.status() == 429) {
        assertTooManyRequests(answer);
      }
    }
    assertEquals(Map.of(401, 1000, 429, 1000), byStatus, "the address's 1,000, then refused before the token check");

    int served = calls.get();
    assertEquals(429, flood.get("/api/vault/items/1", "").status(), "an anonymous read from that address");
    assertEquals(429, flood.get("/api/vault/items/%zz", "").status(), "a malformed path from that address");
    assertEquals(429, flood.get("/health", "").status(), "the gateway's own routes too");
    EdgeClient garbage = connect("127.0.0.2");
    garbage.write("GET /api/vault/items/1 HTTP/1.1\r\nHost: gw\r\nBad\u0001Header: x\r\n\r\n");
    EdgeClient.Answer undecodable = garbage.read();
    assertTooManyRequests(undecodable);
    assertTrue(garbage.closedByServer(), "an undecodable request's connection is closed after its 429");
    assertEquals(served, calls.get(), "nothing from the flooding address reached the service");

    EdgeClient other = connect("127.0.0.3");
    assertEquals(401, other.get("/api/vault/items/1", "Authorization: Bearer not.a.token\r\n").status(),
        "another address has its own bucket");
    assertEquals(200, other.get("/api/vault/items/1", "").status());
    assertTrue(refused("address_rate") >= 1004, "counted: " + refused("address_rate"));
  }

  @Test
  void connectionsOverTheGatewaysOrTheAddresssCapAreClosed() throws Exception {
    deployGateway(Map.of(EdgeLimits.MAX_CONNECTIONS, 4, EdgeLimits.MAX_CONNECTIONS_PER_ADDRESS, 2));
    EdgeClient first = served("127.0.0.2");
    served("127.0.0.2");
    EdgeClient third = connect("127.0.0.2");
    third.write("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n");
    assertTrue(third.closedByServer(), "a third connection from one address is closed unanswered");

    served("127.0.0.3");
    served("127.0.0.3");
    EdgeClient fifth = connect("127.0.0.4");
    fifth.write("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n");
    assertTrue(fifth.closedByServer(), "a fifth connection to the gateway is closed unanswered, whatever its address");

    // a place is free again once the gateway has seen the close, which the client sees first: bounded wait
    first.close();
    Eventually.await(BOUND, "a new connection from 127.0.0.2 is served after one closed", () -> {
      try (EdgeClient again = new EdgeClient("127.0.0.2", port, Duration.ofSeconds(5))) {
        return again.get("/health", "").status() == 200;
      } catch (java.io.IOException refusedStill) {
        return false;
      }
    });
    // the scrape is a connection too: at the cap of 4 it is served once the gateway has seen a close
    String metrics = Eventually.await(BOUND, "a scrape of /metrics within the caps", this::scrape,
        body -> body.contains("mesh_gateway_edge_refused_total"));
    assertTrue(refused(metrics, "address_connections") >= 1, "counted");
    assertTrue(refused(metrics, "connections") >= 1, "counted");
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    deployGateway(Map.of(EdgeLimits.IDLE_TIMEOUT_SECONDS, 1));
    EdgeClient silent = connect("127.0.0.2");
    EdgeClient done = served("127.0.0.3");
    assertTrue(silent.closedByServer(), "a connection that never sends a byte is closed");
    assertTrue(done.closedByServer(), "a kept-alive connection with nothing more to say is closed");
  }

  @Test
  void aSilentTcpBridgeClientIsClosed() throws Exception {
    int tcpPort = TestCluster.freePort();
    deployGateway(Map.of(EdgeLimits.TCP_BRIDGE_IDLE_TIMEOUT_SECONDS, 1, BridgeSettings.TCP_PORT, tcpPort));
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
      socket.setSoTimeout((int) BOUND.toMillis());
      assertEquals(-1, socket.getInputStream().read(), "the bridge closes a client that says nothing");
    }
  }

  /** A connection that got an answer: the gateway counts it as open. */
  private EdgeClient served(String from) throws Exception {
    EdgeClient client = connect(from);
    assertEquals(200, client.get("/health", "").status());
    return client;
  }

  private static void assertTooManyRequests(EdgeClient.Answer answer) {
    assertEquals(429, answer.status(), answer.head());
    JsonObject error = new JsonObject(answer.body());
    assertEquals(429, error.getInteger("status"), answer.body());
    assertEquals("too_many_requests", error.getString("error"), answer.body());
    assertNotNull(answer.header("Retry-After"), answer.head());
    assertFalse(Long.parseLong(answer.header("Retry-After")) < 1, answer.head());
  }

  /** {@code mesh_gateway_edge_refused_total{reason}} as the gateway's /metrics shows it (asked from 127.0.0.1). */
  private double refused(String reason) throws Exception {
    return refused(scrape(), reason);
  }

  /** The gateway's /metrics; empty when the connection was refused (closed unanswered). */
  private String scrape() {
    try {
      return RawHttp.exchange(port, "GET /metrics HTTP/1.1\r\nHost: gw\r\n\r\n", false, Duration.ofSeconds(5)).body();
    } catch (java.io.IOException closedUnanswered) {
      return "";
    }
  }

  private static double refused(String metrics, String reason) {
    Matcher value = Pattern.compile("mesh_gateway_edge_refused_total\\{[^}]*reason=\"" + reason + "\"[^}]*} (\\S+)")
        .matcher(metrics);
    assertTrue(value.find(), "no refusal meter for " + reason + " in /metrics");
    return Double.parseDouble(value.group(1));
  }
}
