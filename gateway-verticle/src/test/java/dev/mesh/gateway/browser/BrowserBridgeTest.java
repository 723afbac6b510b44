package dev.mesh.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.gateway.GatewayVerticle;
import dev.mesh.gateway.bridge.BridgeSettings;
import dev.mesh.gateway.edge.EdgeLimits;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser bridge on a clustered gateway, with real consumers on a second node standing in for the
 * services: what a browser may receive and send, what it may not, and that a browser that leaves (or
 * falls silent) leaves nothing behind.
 */
class BrowserBridgeTest {

  private static final int MAX_SOCKETS = 2;
  /**
   * Far above the sockets' 200 ms pings, so that a loaded machine cannot delay a ping past it: only the
   * test of a silent browser uses a short timeout, and there the close is the outcome it expects.
   */
  private static final long PATIENT_PING_TIMEOUT_MS = 60_000;
  private static final long SILENT_PING_TIMEOUT_MS = 1500;

  private static TestCluster cluster;
  private static Vertx gatewayNode;
  private static Vertx serviceNode;
  private static WebSocketClient client;
  /** What the stand-in inventory service received: action header and every header name. */
  private static final List<JsonObject> inventoryCalls = new CopyOnWriteArrayList<>();
  private static final List<Object> confirmedEvents = new CopyOnWriteArrayList<>();

  private String gatewayDeployment;
  private int port;
  private final List<BridgeSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void startNodes() {
    cluster = TestCluster.create();
    gatewayNode = cluster.join();
    serviceNode = cluster.join();
    client = gatewayNode.createWebSocketClient();
    // a stand-in of the inventory service: it answers with the headers it got and the identity they verify as
    Identities identities = Identities.of(serviceNode, MeshConfig.of(cluster.settings()));
    TestCluster.await(serviceNode.eventBus().consumer("mesh.inventory", message -> {
      JsonObject call = new JsonObject().put("action", message.headers().get("action"))
          .put("headers", new JsonArray(new ArrayList<>(new TreeSet<>(message.headers().names()))));
      inventoryCalls.add(call);
      identities.verify(message.headers().get(Identities.HEADER), "inventory")
          .onComplete(caller -> message.reply(call.copy().put("caller",
              caller.succeeded() ? caller.result().toJson() : new JsonObject().put("refused", true))));
    }).completion());
    TestCluster.await(serviceNode.eventBus().consumer("events.order.confirmed", m -> confirmedEvents.add(m.body()))
        .completion());
  }

  @AfterAll
  static void stopNodes() {
    TestCluster.await(Future.join(gatewayNode.close(), serviceNode.close()));
  }

  @BeforeEach
  void deployGateway() {
    deployGateway(PATIENT_PING_TIMEOUT_MS);
    inventoryCalls.clear();
    confirmedEvents.clear();
  }

  private void deployGateway(long pingTimeoutMs) {
    deployGateway(pingTimeoutMs, new JsonObject());
  }

  private void deployGateway(long pingTimeoutMs, JsonObject limits) {
    port = TestCluster.freePort();
    JsonObject config = limits.copy().mergeIn(cluster.settings())
        .put(GatewayVerticle.PORT, port)
        .put(GatewayVerticle.REQUIRED_SERVICES, "")
        .put(BridgeSettings.TCP_PORT, -1) // not used here; its default 7000 may be taken on the machine
        .put(BrowserEdge.MAX_SOCKETS, MAX_SOCKETS)
        .put(BrowserEdge.PING_TIMEOUT_MS, pingTimeoutMs)
        .put(BrowserEdge.STATS_PUBLISH_MS, 200);
    gatewayDeployment = TestCluster.await(
        gatewayNode.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
  }

  @AfterEach
  void undeployGateway() {
    sockets.forEach(BridgeSocket::close);
    TestCluster.await(gatewayNode.undeploy(gatewayDeployment));
  }

  @Test
  void aBrowserReceivesPublicEventsAndReadsWhatIsOpenToIt() throws Exception {
    BridgeSocket browser = open(true);
    browser.register("events.inventory.changed");
    // a registration from a browser is asynchronous: publish until the first one arrives
    JsonObject event = new JsonObject().put("eventId", "e-1").put("sku", "MUG-1").put("available", 3);
    long publisher = serviceNode.setPeriodic(100, id -> serviceNode.eventBus().publish("events.inventory.changed", event));
    try {
      JsonObject received = browser.next(f -> "events.inventory.changed".equals(f.getString("address")));
      assertEquals("rec", received.getString("type"));
      assertEquals(event, received.getJsonObject("body"));
    } finally {
      serviceNode.cancelTimer(publisher);
    }

    JsonObject status = browser.request(MeshStatus.READ_ADDRESS, new JsonObject(), new JsonObject());
    assertTrue(status.getJsonObject("body").getJsonArray("services") != null, status.encode());
    assertEquals(2, status.getJsonObject("body").getJsonObject("cluster").getInteger("members"));

    JsonObject order = new JsonObject().put("id", "o-1").put("orderId", "o-1").put("userId", "u-1");
    serviceNode.eventBus().publish("events.order.created", order.copy().put("eventId", "e-2").put("status", "PENDING"));
    serviceNode.eventBus().publish("events.order.confirmed", order.copy().put("eventId", "e-3").put("status", "CONFIRMED"));
    JsonArray recent = Eventually.await(Duration.ofSeconds(10), "the gateway saw the order confirmed",
        () -> browser.request(RecentOrders.READ_ADDRESS, new JsonObject(), new JsonObject())
            .getJsonObject("body").getJsonArray("items"),
        items -> !items.isEmpty() && "CONFIRMED".equals(items.getJsonObject(0).getString("status")));
    assertEquals(1, recent.size(), "the gateway keeps the orders it saw, one entry per order: " + recent);
    assertEquals("CONFIRMED", recent.getJsonObject(0).getString("status"));

    JsonObject listed = browser.request("mesh.inventory", new JsonObject(),
        new JsonObject().put("action", "list").put("x-user", "admin"));
    assertEquals("list", listed.getJsonObject("body").getString("action"), listed.encode());
    assertEquals(new JsonArray().add("action").add(Identities.HEADER), listed.getJsonObject("body").getJsonArray("headers"),
        "only the action header and the gateway's signed identity reach the service: a browser cannot forge others");
    JsonObject caller = listed.getJsonObject("body").getJsonObject("caller");
    assertEquals(null, caller.getString("sub"), "an anonymous caller: " + caller.encode());
    assertEquals(new JsonArray(), caller.getJsonArray("roles"));
    assertEquals(BrowserBridge.SENDER, caller.getString("svc"), "sent on by the gateway's browser bridge");
  }

  @Test
  void theChartsFiguresReachABrowserCountingEachSagaOutcomeOnceAndNamingNoOne() throws Exception {
    BridgeSocket browser = open(true);
    browser.register(LiveStats.EVENT_ADDRESS);
    JsonObject order = new JsonObject().put("id", "o-7").put("orderId", "o-7").put("userId", "u-7");
    JsonObject confirmed = order.copy().put("eventId", "e-7").put("status", "CONFIRMED");
    // events come at least once: the same event again and again until the gateway has seen it, then more
    long publisher = serviceNode.setPeriodic(100, id -> serviceNode.eventBus().publish("events.order.confirmed", confirmed));
    try {
      browser.next(f -> LiveStats.EVENT_ADDRESS.equals(f.getString("address"))
          && f.getJsonObject("body").getJsonObject("sagas").getLong("confirmed") > 0);
      for (int i = 0; i < 3; i++) { // later snapshots, with the repeats still arriving
        JsonObject snapshot = browser.next(f -> LiveStats.EVENT_ADDRESS.equals(f.getString("address")))
            .getJsonObject("body");
        JsonObject sagas = snapshot.getJsonObject("sagas");
        assertEquals(1L, sagas.getLong("confirmed"), "one order confirmed, counted once: " + snapshot);
        assertEquals(0L, sagas.getLong("cancelled"), snapshot.encode());
        assertEquals(LiveStats.SAGA_WINDOW_S, sagas.getInteger("windowSeconds"));
        assertFalse(snapshot.encode().contains("-7"), "public figures name no order, user or event: " + snapshot);
      }
    } finally {
      serviceNode.cancelTimer(publisher);
    }

    JsonArray history = browser.request(LiveStats.READ_ADDRESS, new JsonObject(), new JsonObject())
        .getJsonObject("body").getJsonArray("items");
    assertFalse(history.isEmpty(), "the gateway keeps its last snapshots for a page that opens");
    assertEquals(1L, history.getJsonObject(history.size() - 1).getJsonObject("sagas").getLong("confirmed"));
  }

  @Test
  void theBridgeRefusesEveryOtherAddressActionAndPublish() throws Exception {
    BridgeSocket browser = open(true);

    assertRefused("access_denied", browser.request("mesh.users", new JsonObject(), new JsonObject().put("action", "list")));
    assertRefused("rejected", browser.request("mesh.inventory", new JsonObject(), new JsonObject().put("action", "restock")));
    assertRefused("rejected", browser.request("mesh.inventory", new JsonObject(), new JsonObject()));
    browser.publish("events.order.confirmed", new JsonObject().put("orderId", "forged"));
    assertRefused("rejected", browser.next(f -> "err".equals(f.getString("type"))));
    browser.register("mesh.orders");
    assertRefused("access_denied", browser.next(f -> "err".equals(f.getString("type"))));

    browser.write(new JsonObject().put("type", "send").put("address", "mesh.inventory").put("headers", "list"));
    assertRefused("rejected", browser.next(f -> "err".equals(f.getString("type"))));

    // the permitted read still works on the same socket, and the refused calls never reached anyone
    browser.request("mesh.inventory", new JsonObject(), new JsonObject().put("action", "get"));
    assertEquals(1, inventoryCalls.size(), "only the permitted get reached inventory: " + inventoryCalls);
    assertTrue(confirmedEvents.isEmpty(), "a browser cannot publish a domain event");
  }

  @Test
  void socketsAreBoundedAndALeavingBrowserReleasesItsSocketAndConsumers() throws Exception {
    BridgeSocket first = open(true);
    BridgeSocket second = open(true);
    for (BridgeSocket browser : List.of(first, second)) {
      browser.register("events.test.watched");
      browser.request(MeshStatus.READ_ADDRESS, new JsonObject(), new JsonObject()); // accepted and served
    }
    BridgeSocket third = open(true);
    assertTrue(third.awaitClosed(10), "a socket over " + MAX_SOCKETS + " is closed by the gateway");

    first.close();
    second.close();
    assertNoConsumer("events.test.watched");

    // their places are free again: the gateway frees a place when it sees the close, which the leaving
    // browser may see first, so a new browser is admitted within a bound (a refused one is closed)
    BridgeSocket again = Eventually.await(Duration.ofSeconds(10), "a new browser admitted after two left",
        this::openServed, socket -> !socket.closed.isDone());
    assertFalse(again.closed.isDone());
  }

  @Test
  void aBrowserThatFallsSilentIsClosedWithItsConsumers() throws Exception {
    TestCluster.await(gatewayNode.undeploy(gatewayDeployment));
    deployGateway(SILENT_PING_TIMEOUT_MS);
    BridgeSocket silent = open(false);
    silent.register("events.test.silent");
    silent.request(MeshStatus.READ_ADDRESS, new JsonObject(), new JsonObject());
    assertTrue(silent.awaitClosed(20), "no ping within the ping timeout: the gateway closes the socket");
    assertNoConsumer("events.test.silent");
  }

  /**
   * A socket that sends faster than its message rate is flooding, not browsing: it is closed, and what it
   * sent past its bucket never reaches the mesh.
   */
  @Test
  void aBrowserThatFloodsTheBridgeIsClosed() throws Exception {
    TestCluster.await(gatewayNode.undeploy(gatewayDeployment));
    deployGateway(PATIENT_PING_TIMEOUT_MS, new JsonObject().put(BrowserEdge.MESSAGE_RATE, "10/3600"));
    BridgeSocket flood = open(false);
    for (int i = 0; i < 30; i++) {
      flood.send("mesh.inventory", new JsonObject(), new JsonObject().put("action", "get"), null);
    }
    assertTrue(flood.awaitClosed(20), "a socket over its message rate is closed by the gateway");

    BridgeSocket calm = open(false);
    JsonObject answer = calm.request("mesh.inventory", new JsonObject(), new JsonObject().put("action", "get"));
    assertEquals("rec", answer.getString("type"), "another socket has its own bucket: " + answer.encode());
    // one gateway node to one consumer: the calm socket's call arrives after every call the flood got through
    assertEquals(11, inventoryCalls.size(), "the flooding socket's 10 messages reached the mesh, then the calm one's");
  }

  /** A message over the size limit closes the socket before it is read: it never reaches the mesh. */
  @Test
  void aMessageOverTheSizeLimitClosesTheSocket() throws Exception {
    TestCluster.await(gatewayNode.undeploy(gatewayDeployment));
    deployGateway(PATIENT_PING_TIMEOUT_MS, new JsonObject().put(EdgeLimits.MAX_WEBSOCKET_MESSAGE_BYTES, 2048));
    BridgeSocket browser = open(true);
    JsonObject small = browser.request("mesh.inventory", new JsonObject().put("note", "x".repeat(1000)),
        new JsonObject().put("action", "get"));
    assertEquals("rec", small.getString("type"), "a message under the limit is served: " + small.encode());

    browser.send("mesh.inventory", new JsonObject().put("note", "x".repeat(4000)), new JsonObject().put("action", "get"),
        null);
    assertTrue(browser.awaitClosed(20), "a message over 2,048 bytes closes the socket");
    assertEquals(1, inventoryCalls.size(), "the large message never reached the mesh: " + inventoryCalls.size());
  }

  private BridgeSocket open(boolean pings) {
    BridgeSocket socket = BridgeSocket.open(gatewayNode, client, port, pings);
    sockets.add(socket);
    return socket;
  }

  private static void assertRefused(String reason, JsonObject frame) {
    assertEquals("err", frame.getString("type"), frame.encode());
    assertEquals(reason, frame.getString("body"), frame.encode());
  }

  /** A new socket the gateway answers a status read on; one it refuses throws, closed. */
  private BridgeSocket openServed() throws InterruptedException {
    BridgeSocket socket = open(true);
    JsonObject answer = socket.request(MeshStatus.READ_ADDRESS, new JsonObject(), new JsonObject());
    assertEquals("rec", answer.getString("type"), answer.encode());
    return socket;
  }

  /** Eventually (bounded) nobody consumes the address: a request to it finds no handler. */
  private static void assertNoConsumer(String address) {
    Eventually.await(Duration.ofSeconds(10), "no consumer left on " + address,
        () -> TestCluster.await(serviceNode.eventBus()
            .request(address, new JsonObject(), new DeliveryOptions().setSendTimeout(300))
            .<Object>map("answered")
            .otherwise(failure -> failure instanceof ReplyException r ? r.failureType() : failure)),
        ReplyFailure.NO_HANDLERS::equals);
  }
}
