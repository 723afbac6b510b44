package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mesh across three hosts (network namespaces made by deploy/hosts/hosts), real JVMs and real
 * PostgreSQL servers, and the faults a network of hosts brings: a host cut off and healed, a host
 * cut for 15 s, every JVM of a host killed at once. Placement: host 1 gateway, users and the users
 * database; host 2 inventory, orders and their databases; host 3 a second users, a second orders and
 * the Python example service, through the bridge. Every test starts from, and leaves, the whole mesh.
 */
class MultiHostMeshTest {

  private static final Logger log = LoggerFactory.getLogger(MultiHostMeshTest.class);
  private static final String GATEWAY = "http://" + Hosts.address(1) + ":8080";
  private static final String BRIDGE_SECRET = "bridge-" + UUID.randomUUID();
  private static final String BRIDGE_AUTH = "Authorization: Bearer " + BRIDGE_SECRET;
  private static final Set<String> FINAL = Set.of("CONFIRMED", "REJECTED", "CANCELLED");
  /** Failure detection (cluster.xml: 5 s without heartbeat) plus the reaper's tick, with room for a loaded machine. */
  private static final Duration REAP_BOUND = Duration.ofSeconds(20);

  private static Hosts hosts;
  private static Map<String, String> env;
  private static final Map<String, Process> jvms = new ConcurrentHashMap<>();
  /** Every order event seen on host 1's gateway: event id -> event. */
  private static final Map<String, JsonObject> events = new ConcurrentHashMap<>();

  @BeforeAll
  static void startMeshOnThreeHosts() throws Exception {
    Hosts.unavailable().ifPresent(why -> Assumptions.abort("multi-host tests skipped: " + why));
    hosts = Hosts.create();
    String password = UUID.randomUUID().toString();
    String uri = "postgresql://postgres:" + password + "@";
    // the gateway verifies tokens with the key it finds in MESH_DATA_DIR (made here, first): every call is the operator's
    hosts.authorize(Tokens.bearer(Tokens.of(hosts.work().resolve("data")).admin()));
    hosts.postgres(1, "users", 5432, password);
    hosts.postgres(2, "inventory", 5432, password);
    hosts.postgres(2, "orders", 5433, password);
    env = new HashMap<>(Map.of(
        "MESH_CLUSTER_NAME", "hosts-" + hosts.name(),
        "USERS_PG_URI", uri + Hosts.address(1) + ":5432/postgres",
        "INVENTORY_PG_URI", uri + Hosts.address(2) + ":5432/postgres",
        "ORDERS_PG_URI", uri + Hosts.address(2) + ":5433/postgres",
        "BRIDGE_TCP_PORT", "-1",
        "BRIDGE_SECRET", BRIDGE_SECRET,
        // the example reads users for its recommendations: an operator's grant, never a default
        "BRIDGE_GRANT_ROLES", "recommendations:admin",
        // the order load is not what is tested here: the default rate limits stay out of its way
        "GATEWAY_RATE_LIMITS", "read=1000000/1,write=1000000/1,bridge=1000000/1",
        "MESH_DATA_DIR", hosts.work().resolve("data").toString(),
        // stock of a confirmed order is sold after this window, so the tests can count it exactly
        "ORDERS_CANCEL_WINDOW_MS", "1000"));
    for (String db : List.of("users", "inventory", "orders")) {
      Eventually.await(Duration.ofSeconds(60), db + " database up", () -> Files.readString(
          Path.of("target", "hosts-logs", hosts.name(), db + "-pg.log")).contains("ready to accept connections"));
    }
    start(1, "gateway-verticle");
    start(1, "user-verticle");
    start(2, "inventory-verticle");
    start(2, "order-verticle");
    start(3, "user-verticle");
    start(3, "order-verticle");
    hosts.run(3, "recommendations", Map.of("MESH_GATEWAY", GATEWAY, "HOST", Hosts.address(3), "PORT", "0",
            "BRIDGE_SECRET", BRIDGE_SECRET),
        "python3", "examples/python/recommendations.py");
    awaitWholeMesh(Duration.ofSeconds(240));
    hosts.stream(GATEWAY + "/bridge/events?address=events.order.*&format=ndjson",
        line -> {
          if (line.containsKey("address")) {
            events.put(line.getJsonObject("body").getString("eventId"), line);
          }
        }, BRIDGE_AUTH);
  }

  @AfterAll
  static void removeHosts() {
    if (hosts != null) {
      hosts.close();
    }
  }

  @BeforeEach
  void theWholeMeshRuns() {
    awaitWholeMesh(Duration.ofSeconds(120));
  }

  @Test
  void theMeshIsReadyAcrossThreeHostsAndServesOrdersReadsAndTheForeignService() throws Exception {
    // both users and both orders instances answer: requests cross hosts both ways
    assertEquals(2, nodesAnswering("/api/users/info").size());
    assertEquals(2, nodesAnswering("/api/orders/info").size());

    String user = createUser();
    String sku = createProduct(5);
    Hosts.Response order = hosts.http("POST", GATEWAY + "/api/orders", new JsonObject().put("userId", user)
        .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 2))).encode(),
        "Idempotency-Key: " + UUID.randomUUID());
    assertEquals(201, order.status(), order.body());
    assertEquals("CONFIRMED", order.json().getString("status"));
    Hosts.Response expanded = hosts.http("GET", GATEWAY + "/api/orders/" + order.json().getString("id")
        + "?expand=user,products", null);
    assertEquals(200, expanded.status(), expanded.body());
    assertEquals(user, expanded.json().getJsonObject("user").getString("id"));
    Hosts.Response read = hosts.http("GET", GATEWAY + "/api/users/" + user, null);
    assertEquals(200, read.status(), read.body());

    // the Python service on host 3, through the gateway on host 1; it calls users back through the bridge
    Hosts.Response recommended = hosts.http("GET", GATEWAY + "/api/recommendations/" + user, null);
    assertEquals(200, recommended.status(), recommended.body());
    assertEquals(3, awaitStock(sku, 2).getLong("available"));
  }

  @Test
  void cuttingHost3UnderLoadReapsItsInstancesAndHealingRoutesToThemAgain() throws Exception {
    String user = createUser();
    String sku = createProduct(1000);
    OrderLoad load = OrderLoad.start(hosts, GATEWAY, user, sku, 3, 400);
    try {
      Eventually.await(Duration.ofSeconds(60), "orders acknowledged before the cut", () -> load.acknowledgedCount() >= 10);
      long cut = System.nanoTime();
      hosts.cut(3);
      log.info("host 3 cut off");
      Eventually.await(REAP_BOUND, "host 3's instances reaped on the majority side",
          () -> ready(), r -> members(r) == 4 && instances(r, "users") == 1 && instances(r, "orders") == 1);
      double reaped = seconds(cut);
      int before = load.acknowledgedCount();
      Eventually.await(Duration.ofSeconds(60), "orders go on against hosts 1 and 2",
          () -> load.acknowledgedCount() >= before + 10);

      long heal = System.nanoTime();
      hosts.heal(3);
      log.info("host 3 healed after {} s", seconds(cut));
      awaitWholeMesh(Duration.ofSeconds(120));
      double merged = seconds(heal);
      assertEquals(2, nodesAnswering("/api/users/info").size(), "host 3's users instance is routed again");
      assertEquals(2, nodesAnswering("/api/orders/info").size(), "host 3's orders instance is routed again");
      int healed = load.acknowledgedCount();
      Eventually.await(Duration.ofSeconds(60), "orders go on after the heal", () -> load.acknowledgedCount() >= healed + 10);
      load.stop();
      log.info("cut host 3: reaped in {} s, merged back in {} s; load {}", reaped, merged, load.summary());
    } finally {
      hosts.heal(3);
      load.stop();
    }
    assertNothingLost(user, sku, 1000, load);
  }

  @Test
  void cuttingHost2For15SecondsUnderLoadLosesNoAcknowledgedOrder() throws Exception {
    String user = createUser();
    String sku = createProduct(1000);
    OrderLoad load = OrderLoad.start(hosts, GATEWAY, user, sku, 3, 400);
    try {
      Eventually.await(Duration.ofSeconds(60), "orders acknowledged before the cut", () -> load.acknowledgedCount() >= 10);
      int before = load.acknowledgedCount();
      hosts.cut(2);
      log.info("host 2 cut off");
      // the fault itself: host 2 (inventory, orders and their databases) stays unreachable for 15 s
      Thread.sleep(15_000);
      long heal = System.nanoTime();
      hosts.heal(2);
      log.info("host 2 healed");
      awaitWholeMesh(Duration.ofSeconds(120));
      double merged = seconds(heal);
      int healed = load.acknowledgedCount();
      Eventually.await(Duration.ofSeconds(60), "orders go on after the heal", () -> load.acknowledgedCount() >= healed + 10);
      load.stop();
      log.info("cut host 2 for 15 s: merged back in {} s; acknowledged during the cut {}; load {}", merged,
          healed - before, load.summary());
    } finally {
      hosts.heal(2);
      load.stop();
    }
    assertNothingLost(user, sku, 1000, load);
  }

  @Test
  void killingEveryJvmOfHost2AtOnceLosesNoAcknowledgedOrder() throws Exception {
    String user = createUser();
    String sku = createProduct(1000);
    OrderLoad load = OrderLoad.start(hosts, GATEWAY, user, sku, 3, 400);
    try {
      Eventually.await(Duration.ofSeconds(60), "orders acknowledged before the kill", () -> load.acknowledgedCount() >= 10);
      long killed = System.nanoTime();
      Process inventory = jvms.remove("2/inventory-verticle");
      Process orders = jvms.remove("2/order-verticle");
      inventory.destroyForcibly();
      orders.destroyForcibly();
      log.info("host 2's JVMs killed");
      Hosts.kill9(inventory);
      Hosts.kill9(orders);
      Eventually.await(REAP_BOUND, "host 2's instances reaped",
          () -> ready(), r -> members(r) == 4 && instances(r, "inventory") == 0 && instances(r, "orders") == 1);
      double reaped = seconds(killed);
      start(2, "inventory-verticle");
      start(2, "order-verticle");
      awaitWholeMesh(Duration.ofSeconds(180));
      int restarted = load.acknowledgedCount();
      Eventually.await(Duration.ofSeconds(60), "orders go on after the restart", () -> load.acknowledgedCount() >= restarted + 10);
      load.stop();
      log.info("kill -9 of host 2's JVMs: reaped in {} s; load {}", reaped, load.summary());
    } finally {
      load.stop();
    }
    assertNothingLost(user, sku, 1000, load);
  }

  /**
   * What the mesh promised: every acknowledged order exists and reaches a final state; the stock of the
   * product adds up exactly to the confirmed orders; no order has two final events.
   */
  private static void assertNothingLost(String user, String sku, long stock, OrderLoad load) throws Exception {
    for (String id : load.acknowledged().keySet()) {
      Eventually.await(Duration.ofSeconds(90), "acknowledged order " + id + " ends",
          () -> hosts.http("GET", GATEWAY + "/api/orders/" + id, null),
          r -> r.status() == 200 && FINAL.contains(r.json().getString("status")));
    }
    List<JsonObject> all = ordersOf(user);
    assertTrue(all.stream().map(o -> o.getString("id")).collect(Collectors.toSet())
        .containsAll(load.acknowledged().keySet()), "every acknowledged order is there");
    // Not only the acknowledged orders count: one whose create timed out (504) may still be written after
    // the load stopped (a request held up by the cut reaches the database once the link is back, seconds
    // later with TCP's retransmission backoff) and then run its saga. So the orders and the stock are read
    // together until every order has ended and the stock sold is exactly the confirmed orders.
    Settled settled;
    try {
      settled = Eventually.await(Duration.ofSeconds(90), "every order ends and " + sku + " sells exactly the confirmed ones",
          () -> new Settled(ordersOf(user), hosts.http("GET", GATEWAY + "/api/inventory/products/" + sku, null).json()),
          Settled::done);
    } catch (AssertionError mismatch) {
      // what a failure needs to be understood: the events announced for these orders
      Set<String> ids = ordersOf(user).stream().map(o -> o.getString("id")).collect(Collectors.toSet());
      List<JsonObject> announced = events.values().stream()
          .filter(e -> ids.contains(e.getJsonObject("body").getString("orderId"))).toList();
      throw new AssertionError(mismatch.getMessage() + "\nevents: " + announced, mismatch);
    }
    JsonObject product = settled.product();
    long confirmed = settled.confirmed();
    assertEquals(stock, product.getLong("available") + product.getLong("reserved") + product.getLong("sold"),
        product.encode());
    Map<String, Set<String>> finalEvents = new HashMap<>();
    Map<String, String> states = ordersOf(user).stream()
        .collect(Collectors.toMap(o -> o.getString("id"), o -> o.getString("status")));
    events.values().forEach(e -> {
      String orderId = e.getJsonObject("body").getString("orderId");
      if (states.containsKey(orderId) && !e.getString("address").endsWith(".created")) {
        finalEvents.computeIfAbsent(orderId, id -> new HashSet<>()).add(e.getString("address"));
        assertEquals("events.order." + states.get(orderId).toLowerCase(), e.getString("address"),
            "a final event matches the order's state: " + e.encode());
      }
    });
    List<String> twice = events.values().stream().filter(e -> !e.getString("address").endsWith(".created"))
        .map(e -> e.getJsonObject("body").getString("orderId")).filter(states::containsKey)
        .collect(Collectors.groupingBy(id -> id, Collectors.counting()))
        .entrySet().stream().filter(c -> c.getValue() > 1).map(Map.Entry::getKey).toList();
    assertTrue(twice.isEmpty(), "orders with two final events: " + twice);
    log.info("{} orders of the test: {} confirmed, {} acknowledged, 0 lost; stock {}; final events seen for {}",
        all.size(), confirmed, load.acknowledgedCount(), product.encode(), finalEvents.size());
  }

  /** A user's orders and a product, read one after the other. */
  private record Settled(List<JsonObject> orders, JsonObject product) {

    long confirmed() {
      return orders.stream().filter(o -> "CONFIRMED".equals(o.getString("status"))).count();
    }

    /** Every order ended, nothing reserved, and exactly the confirmed orders' units sold. */
    boolean done() {
      return orders.stream().allMatch(o -> FINAL.contains(o.getString("status")))
          && product.getLong("reserved") == 0 && product.getLong("sold") == confirmed();
    }
  }

  private static List<JsonObject> ordersOf(String user) throws Exception {
    List<JsonObject> orders = new java.util.ArrayList<>();
    String after = null;
    for (int page = 0; page < 50; page++) {
      Hosts.Response answer = hosts.http("GET", GATEWAY + "/api/orders?userId=" + user + "&limit=100"
          + (after == null ? "" : "&after=" + after), null);
      assertEquals(200, answer.status(), answer.body());
      answer.json().getJsonArray("items").forEach(o -> orders.add((JsonObject) o));
      after = answer.json().getString("next");
      if (after == null) {
        return orders;
      }
    }
    throw new AssertionError("more than 50 pages of orders");
  }

  /** The product once its reservations are settled and exactly {@code sold} units are sold. */
  private static JsonObject awaitStock(String sku, long sold) {
    return Eventually.await(Duration.ofSeconds(90), sku + " settles with " + sold + " sold",
        () -> hosts.http("GET", GATEWAY + "/api/inventory/products/" + sku, null).json(),
        p -> p.getLong("reserved") == 0 && p.getLong("sold") == sold);
  }

  /** The distinct cluster nodes that answered {@code path} (an info action) over a bounded number of calls. */
  private static Set<String> nodesAnswering(String path) {
    Set<String> nodes = ConcurrentHashMap.newKeySet();
    Eventually.await(Duration.ofSeconds(30), "two instances answer " + path, () -> {
      Hosts.Response info = hosts.http("GET", GATEWAY + path, null);
      if (info.status() == 200) {
        nodes.add(info.json().getString("node"));
      }
      return nodes.size() >= 2;
    });
    return nodes;
  }

  private static void awaitWholeMesh(Duration bound) {
    Eventually.await(bound, "the mesh on three hosts: 6 members, 2 users, 1 inventory, 2 orders, 1 foreign",
        MultiHostMeshTest::ready, r -> members(r) == 6 && instances(r, "users") == 2
            && instances(r, "inventory") == 1 && instances(r, "orders") == 2 && instances(r, "recommendations") == 1);
  }

  private static JsonObject ready() throws Exception {
    jvms.forEach((where, jvm) -> {
      if (!jvm.isAlive()) {
        throw new AssertionError(where + " exited with " + jvm.exitValue() + "; see target/hosts-logs/" + hosts.name());
      }
    });
    Hosts.Response ready = hosts.http("GET", GATEWAY + "/ready", null);
    return new JsonObject(ready.body()).put("httpStatus", ready.status());
  }

  private static int members(JsonObject ready) {
    JsonObject cluster = ready.getJsonObject("cluster");
    return cluster == null ? 0 : cluster.getInteger("members", 0);
  }

  private static int instances(JsonObject ready, String service) {
    JsonObject state = ready.getJsonObject("services", new JsonObject()).getJsonObject(service);
    return state == null ? 0 : state.getInteger("instances", 0);
  }

  /** Each JVM's fixed event-bus port, one of its own on any host it shares (as a firewall would want). */
  private static final Map<String, String> EVENTBUS_PORTS = Map.of("gateway-verticle", "5801", "user-verticle", "5802",
      "inventory-verticle", "5801", "order-verticle", "5803");

  private static void start(int host, String service) throws Exception {
    Map<String, String> settings = new HashMap<>(env);
    settings.put("MESH_EVENTBUS_PORT", EVENTBUS_PORTS.get(service));
    jvms.put(host + "/" + service, hosts.service(host, service, settings));
  }

  private static String createUser() throws Exception {
    String email = "u" + ThreadLocalRandom.current().nextInt(1 << 30) + "@hosts.test";
    Hosts.Response created = hosts.http("POST", GATEWAY + "/api/users",
        new JsonObject().put("email", email).put("name", "Ada").encode());
    assertEquals(201, created.status(), created.body());
    return created.json().getString("id");
  }

  private static String createProduct(long available) throws Exception {
    String sku = "sku-" + UUID.randomUUID().toString().substring(0, 8);
    Hosts.Response created = hosts.http("POST", GATEWAY + "/api/inventory/products", new JsonObject().put("sku", sku)
        .put("name", "Thing " + sku).put("priceCents", 1250).put("available", available).encode());
    assertEquals(201, created.status(), created.body());
    return sku;
  }

  private static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
  }
}
