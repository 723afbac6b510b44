package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Eventually;
import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The examples in other languages (examples/python, examples/node) as real child processes against the
 * four JVMs: they join through the bridge, the gateway routes to them, they receive the confirmed-order
 * event of a real order, they call Java services through the bridge, and a killed one leaves the mesh.
 * The mesh starts once; each test makes its own users and products, and a foreign service a test
 * stopped is started again before the next test.
 */
class ForeignServicesTest {

  private static final Logger log = LoggerFactory.getLogger(ForeignServicesTest.class);
  private static Map<String, String> bridge;
  private static final List<String> FOREIGN = List.of("recommendations", "notifications", "hello");

  @TempDir
  static Path dataDir;
  private static MeshProcesses mesh;

  @BeforeAll
  static void startMeshAndServices() throws Exception {
    TestCluster cluster = TestCluster.create();
    bridge = Map.of("Authorization", cluster.bridgeAuthorization());
    // the examples read users for their answers: the operator grants them a role that may, by name
    mesh = MeshProcesses.ready(cluster.settings()
        .put("BRIDGE_GRANT_ROLES", "recommendations:admin,notifications:admin"), dataDir);
    mesh.startForeign("recommendations", "python3", "examples/python/recommendations.py");
    mesh.startForeign("notifications", "node", "examples/node/notifications.js");
    mesh.startForeign("hello", "python3", "examples/python/hello.py");
    awaitJoined(FOREIGN);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    mesh.close();
  }

  @BeforeEach
  void foreignServicesRunning() throws Exception {
    awaitJoined(mesh.restartStopped());
  }

  @Test
  void theyJoinTheMeshAndTheGatewayRoutesToThem() throws Exception {
    HttpResponse<String> ready = get("/ready");
    assertEquals(200, ready.statusCode(), "foreign services join a ready mesh: " + ready.body());
    HttpResponse<String> hello = get("/api/hello/mesh");
    assertEquals(200, hello.statusCode(), hello.body());
    assertEquals("mesh", new JsonObject(hello.body()).getString("hello"), "the 31-line example serves its route");
  }

  @Test
  void theyCallJavaServicesAndReactToAConfirmedOrder() throws Exception {
    JsonObject ada = createUser("Ada Lovelace");
    JsonObject bob = createUser("Bob Babbage");
    String mug = createMug();

    // the Python service asks mesh.users through the bridge: an unknown user is the users service's 404
    HttpResponse<String> unknown = get("/api/recommendations/" + UUID.randomUUID());
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertEquals("not_found", new JsonObject(unknown.body()).getString("error"));

    // a real order through the saga: the order service publishes events.order.confirmed
    confirmOrder(ada.getString("id"), mug, 2);

    JsonObject forBob = new JsonObject(eventually(() -> get("/api/recommendations/" + bob.getString("id")),
        r -> r.statusCode() == 200 && r.body().contains(mug), Duration.ofSeconds(15)).body());
    assertEquals("Bob Babbage", forBob.getString("name"), "Python read the user from the Java service");
    assertTrue(forBob.getJsonArray("recommendations").contains(mug), forBob.encode());
    JsonObject forAda = new JsonObject(get("/api/recommendations/" + ada.getString("id")).body());
    assertFalse(forAda.getJsonArray("recommendations").contains(mug), "not what she just bought");

    JsonObject notified = new JsonObject(eventually(() -> get("/api/notifications/" + ada.getString("id")),
        r -> r.statusCode() == 200 && r.body().contains("Blue mug"),
        Duration.ofSeconds(15)).body());
    JsonObject note = notified.getJsonArray("notifications").getJsonObject(0);
    assertEquals(ada.getString("email"), note.getString("to"), "Node read the user from the Java service");
    assertTrue(note.getString("text").contains("2 x Blue mug"), "and the product from inventory: " + note.getString("text"));
  }

  @Test
  void theirEventBusAddressesAnswerThroughTheBridge() throws Exception {
    JsonObject ada = createUser("Ada Lovelace");
    JsonObject bob = createUser("Bob Babbage");
    confirmOrder(ada.getString("id"), createMug(), 1);

    HttpResponse<String> recommended = send("POST", "/bridge/request", new JsonObject()
        .put("address", "mesh.recommendations").put("action", "recommend")
        .put("body", new JsonObject().put("userId", bob.getString("id"))), bridge);
    assertEquals(200, recommended.statusCode(), recommended.body());
    assertEquals(bob.getString("id"), new JsonObject(recommended.body()).getString("userId"));

    // the notification follows the confirmed event, which reaches the Node service on its own stream
    HttpResponse<String> listed = eventually(() -> send("POST", "/bridge/request", new JsonObject()
        .put("address", "mesh.notifications").put("action", "list")
        .put("body", new JsonObject().put("userId", ada.getString("id"))), bridge),
        r -> r.statusCode() != 200 || !new JsonObject(r.body()).getJsonArray("notifications").isEmpty(),
        Duration.ofSeconds(15));
    assertEquals(200, listed.statusCode(), listed.body());
    assertEquals(1, new JsonObject(listed.body()).getJsonArray("notifications").size());

    HttpResponse<String> unknown = send("POST", "/bridge/request", new JsonObject()
        .put("address", "mesh.notifications").put("action", "shout"), bridge);
    assertEquals(400, unknown.statusCode(), "their 4xx reaches the caller as it is: " + unknown.body());
  }

  @Test
  void aKilledServiceAnswers503AndItsRecordDisappears() throws Exception {
    long killedAt = System.nanoTime();
    mesh.process("recommendations").destroyForcibly(); // kill -9: no deregistration, only silence
    HttpResponse<String> ready = eventually(() -> get("/ready"), r -> instances(r, "recommendations") == 0,
        Duration.ofSeconds(30));
    log.info("recommendations record gone {} ms after kill -9",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    assertEquals(1, instances(ready, "notifications"), "the others stay");
    HttpResponse<String> gone = get("/api/recommendations/" + UUID.randomUUID());
    assertEquals(503, gone.statusCode(), gone.body());
    assertEquals("unavailable", new JsonObject(gone.body()).getString("error"));

    Process node = mesh.process("notifications");
    node.destroy(); // SIGTERM: it deregisters itself
    assertTrue(node.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, instances(get("/ready"), "notifications"), "deregistered before exiting");
    assertEquals(503, get("/api/notifications/" + UUID.randomUUID()).statusCode());
  }

  /** Each named foreign service has one instance in /ready (bounded: 60 s). */
  private static void awaitJoined(List<String> services) throws Exception {
    for (String service : services) {
      eventually(() -> get("/ready"), r -> instances(r, service) == 1, Duration.ofSeconds(60));
    }
  }

  /** A new user with an email of its own; the created user (id, email, name). */
  private static JsonObject createUser(String name) throws Exception {
    String email = name.toLowerCase().replace(' ', '.') + "+" + UUID.randomUUID().toString().substring(0, 8)
        + "@example.com";
    HttpResponse<String> created = send("POST", "/api/users",
        new JsonObject().put("email", email).put("name", name), Map.of());
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body());
  }

  /** A new product named "Blue mug" with stock; its sku. */
  private static String createMug() throws Exception {
    String sku = "MUG-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> product = send("POST", "/api/inventory/products", new JsonObject().put("sku", sku)
        .put("name", "Blue mug").put("priceCents", 1250).put("available", 10), Map.of());
    assertEquals(201, product.statusCode(), product.body());
    return sku;
  }

  private static void confirmOrder(String userId, String sku, int quantity) throws Exception {
    HttpResponse<String> order = send("POST", "/api/orders", new JsonObject().put("userId", userId)
        .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", quantity))),
        Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertTrue(order.statusCode() == 201 || order.statusCode() == 202, order.body());
    String orderId = new JsonObject(order.body()).getString("id");
    eventually(() -> get("/api/orders/" + orderId), r -> r.body().contains("\"CONFIRMED\""), Duration.ofSeconds(30));
  }

  private static int instances(HttpResponse<String> ready, String service) {
    JsonObject state = new JsonObject(ready.body()).getJsonObject("services").getJsonObject(service);
    return state == null ? 0 : state.getInteger("instances");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return mesh.send("GET", path, null, Map.of());
  }

  private static HttpResponse<String> send(String method, String path, JsonObject body, Map<String, String> headers)
      throws Exception {
    return mesh.send(method, path, body.encode(), headers);
  }

  private static HttpResponse<String> eventually(Callable<HttpResponse<String>> call,
      Predicate<HttpResponse<String>> done, Duration bound) {
    return Eventually.await(bound, "the mesh's answer", call, done);
  }
}
