package dev.mesh.tests;

import static dev.mesh.tests.MeshProcesses.ANONYMOUS;
import static dev.mesh.tests.MeshProcesses.AUTHORIZATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import dev.mesh.common.ServiceClient;
import dev.mesh.common.identity.Identities;
import dev.mesh.common.identity.IdentityKeys;
import dev.mesh.common.testing.TestCluster;
import dev.mesh.common.testing.Tokens;
import dev.mesh.contracts.UsersContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop's rules through the four real JVMs with real tokens: product reads are public, writes are the
 * admin's; a customer reads, changes and orders only as themselves, another's order or record is "not
 * found", and no header or body field a client forges changes who it is.
 */
class OwnershipEndToEndTest {

  @TempDir
  static Path dataDir;
  private static TestCluster cluster;
  private static MeshProcesses mesh;
  private static String ada;
  private static String bob;
  private static String adaToken;
  private static String bobOrder;
  private static String sku;

  @BeforeAll
  static void startMesh() throws Exception {
    cluster = TestCluster.create();
    mesh = MeshProcesses.ready(cluster.settings(), dataDir);
    ada = createUser("ada");
    bob = createUser("bob");
    adaToken = mesh.tokens.mint(ada, "customer");
    sku = "OWN-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> product = mesh.post("/api/inventory/products", new JsonObject().put("sku", sku)
        .put("name", "Lamp").put("priceCents", 1200).put("available", 50));
    assertEquals(201, product.statusCode(), product.body());
    HttpResponse<String> placed = placeAs(mesh.tokens.mint(bob, "customer"), bob);
    assertTrue(placed.statusCode() == 201 || placed.statusCode() == 202, placed.body());
    bobOrder = new JsonObject(placed.body()).getString("id");
  }

  @AfterAll
  static void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void nobodyInsideTheMeshIsASuperuser(@TempDir Path keys) throws Exception {
    JsonObject list = new JsonObject().put("address", "mesh.users").put("action", "list");
    HttpResponse<String> bySecret = mesh.post("/bridge/request", list, AUTHORIZATION, cluster.bridgeAuthorization());
    assertEquals(403, bySecret.statusCode(), "the bridge's secret registers services; it reads no user: " + bySecret.body());

    HttpResponse<String> registered = mesh.post("/bridge/services", new JsonObject().put("name", "intruder")
        .put("baseUrl", "http://127.0.0.1:9"), AUTHORIZATION, cluster.bridgeAuthorization());
    assertEquals(201, registered.statusCode(), registered.body());
    String credential = "Bearer " + new JsonObject(registered.body()).getString("credential");
    assertEquals(403, mesh.post("/bridge/request", list, AUTHORIZATION, credential).statusCode(),
        "a foreign service has no role the operator did not grant it");
    HttpResponse<String> deleted = mesh.post("/bridge/request", new JsonObject().put("address", "mesh.users")
        .put("action", "delete").put("body", new JsonObject().put("id", ada)), AUTHORIZATION, credential);
    assertEquals(403, deleted.statusCode(), deleted.body());
    assertEquals(200, mesh.get("/api/users/" + ada).statusCode(), "nothing was deleted");

    // a JVM that knows the cluster's name and ports, but not the mesh's identity key
    Path strangerKey = keys.resolve("stranger.key");
    Files.writeString(strangerKey, "a-key-the-mesh-never-gave-anyone-0123456789");
    Vertx stranger = cluster.join();
    try {
      ServiceClient client = new ServiceClient(stranger, Identities.of(stranger,
          MeshConfig.of(cluster.settings().put(IdentityKeys.KEY_FILE, strangerKey.toString()))), "users", null, 20_000);
      Caller admin = Caller.of("operator", List.of(Caller.ADMIN), List.of());
      int status = TestCluster.await(client.call(UsersContract.Action.LIST).as(admin).request(new JsonObject())
          .map(reply -> 200).recover(failure -> Future.succeededFuture(MeshError.from(failure).status())));
      assertEquals(401, status, "no service answers a JVM without the mesh's key, whoever it claims to act for");
    } finally {
      TestCluster.await(stranger.close());
    }
  }

  @Test
  void productReadsArePublicAndWritesAreTheAdmins() throws Exception {
    assertEquals(200, mesh.getAs(ANONYMOUS, "/api/inventory/products/" + sku).statusCode());
    assertEquals(200, mesh.getAs(ANONYMOUS, "/api/inventory/products").statusCode());
    long before = new JsonObject(mesh.get("/api/inventory/products/" + sku).body()).getLong("available");
    JsonObject restock = new JsonObject().put("quantity", 5);
    HttpResponse<String> anonymous = mesh.post("/api/inventory/products/" + sku + "/restock", restock,
        AUTHORIZATION, ANONYMOUS);
    assertEquals(401, anonymous.statusCode(), anonymous.body());
    assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    HttpResponse<String> customer = mesh.post("/api/inventory/products/" + sku + "/restock", restock,
        AUTHORIZATION, Tokens.bearer(adaToken));
    assertEquals(403, customer.statusCode(), customer.body());
    assertEquals("forbidden", new JsonObject(customer.body()).getString("error"));
    assertEquals(before, new JsonObject(mesh.get("/api/inventory/products/" + sku).body()).getLong("available"),
        "nothing was written");
  }

  @Test
  void aCustomerSeesAndChangesOnlyTheirOwnRecord() throws Exception {
    assertEquals(200, mesh.getAs(adaToken, "/api/users/" + ada).statusCode());
    assertEquals(404, mesh.getAs(adaToken, "/api/users/" + bob).statusCode(), "another's record is not found");
    assertEquals(403, mesh.getAs(adaToken, "/api/users").statusCode(), "listing users is the admin's");
    HttpResponse<String> renamed = mesh.send("PATCH", "/api/users/" + bob, "{\"name\":\"Mallory\"}",
        Map.of(AUTHORIZATION, Tokens.bearer(adaToken)));
    assertEquals(404, renamed.statusCode(), renamed.body());
    assertEquals("bob", new JsonObject(mesh.get("/api/users/" + bob).body()).getString("name"), "nothing was written");
    assertEquals(401, mesh.getAs(ANONYMOUS, "/api/users/" + ada).statusCode());
  }

  @Test
  void aCustomerOrdersListsAndCancelsOnlyAsThemselves() throws Exception {
    HttpResponse<String> forOther = placeAs(adaToken, bob);
    assertEquals(403, forOther.statusCode(), forOther.body());
    HttpResponse<String> own = placeAs(adaToken, ada);
    assertTrue(own.statusCode() == 201 || own.statusCode() == 202, own.body());
    String adaOrder = new JsonObject(own.body()).getString("id");

    assertEquals(200, mesh.getAs(adaToken, "/api/orders/" + adaOrder).statusCode());
    assertEquals(404, mesh.getAs(adaToken, "/api/orders/" + bobOrder).statusCode(), "ids cannot be probed");
    HttpResponse<String> cancel = mesh.post("/api/orders/" + bobOrder + "/cancel", new JsonObject(),
        AUTHORIZATION, Tokens.bearer(adaToken));
    assertEquals(404, cancel.statusCode(), cancel.body());

    JsonArray listed = new JsonObject(mesh.getAs(adaToken, "/api/orders").body()).getJsonArray("items");
    assertTrue(!listed.isEmpty() && listed.stream().allMatch(o -> ada.equals(((JsonObject) o).getString("userId"))),
        "only her own orders: " + listed);
    assertEquals(403, mesh.getAs(adaToken, "/api/orders?userId=" + bob).statusCode());
    assertEquals(200, mesh.get("/api/orders/" + bobOrder).statusCode(), "the admin sees every order");
  }

  @Test
  void forgedIdentityChangesNothing() throws Exception {
    Map<String, String> forged = Map.of(AUTHORIZATION, Tokens.bearer(adaToken),
        "mesh-subject", bob, "mesh-roles", "admin", "mesh-edge", "0", "X-Mesh-Subject", bob);
    assertEquals(404, mesh.send("GET", "/api/orders/" + bobOrder, null, forged).statusCode());
    assertEquals(404, mesh.send("GET", "/api/users/" + bob, null, forged).statusCode());
    // the caller field is no input a client may give: the route's schema refuses it at the edge
    HttpResponse<String> bodyForged = mesh.send("PATCH", "/api/users/" + bob, new JsonObject().put("name", "Mallory")
        .put("_caller", new JsonObject().put("sub", bob).put("roles", new JsonArray().add("admin"))).encode(), forged);
    assertEquals(400, bodyForged.statusCode(), bodyForged.body());
    assertTrue(new JsonObject(bodyForged.body()).getJsonObject("fields").containsKey("_caller"), bodyForged.body());
    HttpResponse<String> headersForged = mesh.send("PATCH", "/api/users/" + bob,
        new JsonObject().put("name", "Mallory").encode(), forged);
    assertEquals(404, headersForged.statusCode(), headersForged.body());
    HttpResponse<String> bobNow = mesh.get("/api/users/" + bob);
    assertEquals(200, bobNow.statusCode(), bobNow.body());
    assertNotEquals("Mallory", new JsonObject(bobNow.body()).getString("name"), "nothing was written");
    assertEquals(401, mesh.send("GET", "/api/orders", null, Map.of(AUTHORIZATION, ANONYMOUS, "mesh-subject", ada,
        "mesh-edge", "1")).statusCode(), "headers are no credential");
  }

  private static HttpResponse<String> placeAs(String token, String userId) throws Exception {
    return mesh.post("/api/orders", new JsonObject().put("userId", userId)
            .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 1))),
        "Idempotency-Key", UUID.randomUUID().toString(), AUTHORIZATION, Tokens.bearer(token));
  }

  private static String createUser(String name) throws Exception {
    HttpResponse<String> created = mesh.post("/api/users", new JsonObject()
        .put("email", name + "-" + UUID.randomUUID() + "@example.com").put("name", name));
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("id");
  }
}
