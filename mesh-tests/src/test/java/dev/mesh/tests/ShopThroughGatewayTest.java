package dev.mesh.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.TestCluster;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every users and inventory route through the real gateway, with the status codes and JSON bodies the
 * README and docs/ promise, and the bad input a client may send: never a 500, never a write.
 */
class ShopThroughGatewayTest {

  @TempDir
  static Path dataDir;
  private static MeshProcesses mesh;

  @BeforeAll
  static void startMesh() throws Exception {
    mesh = MeshProcesses.ready(TestCluster.create().settings(), dataDir);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void usersRoutes() throws Exception {
    String email = "grace-" + UUID.randomUUID() + "@example.com";
    HttpResponse<String> created = mesh.post("/api/users", new JsonObject().put("email", email).put("name", "  Grace Hopper "));
    assertEquals(201, created.statusCode(), created.body());
    JsonObject user = new JsonObject(created.body());
    assertEquals("Grace Hopper", user.getString("name"));
    String id = user.getString("id");

    assertEquals(409, mesh.post("/api/users", new JsonObject().put("email", email.toUpperCase()).put("name", "Twin"))
        .statusCode(), "email is unique without regard to case");

    HttpResponse<String> fetched = mesh.get("/api/users/" + id);
    assertEquals(200, fetched.statusCode());
    assertEquals(email, new JsonObject(fetched.body()).getString("email"));

    HttpResponse<String> patched = mesh.send("PATCH", "/api/users/" + id, "{\"name\":\"Rear Admiral Hopper\"}");
    assertEquals(200, patched.statusCode(), patched.body());
    assertEquals("Rear Admiral Hopper", new JsonObject(patched.body()).getString("name"));

    mesh.post("/api/users", new JsonObject().put("email", "x-" + UUID.randomUUID() + "@example.com").put("name", "Xena"));
    Set<String> seen = new HashSet<>();
    String after = null;
    do {
      HttpResponse<String> page = mesh.get("/api/users?limit=1" + (after == null ? "" : "&after=" + after));
      assertEquals(200, page.statusCode(), page.body());
      JsonObject body = new JsonObject(page.body());
      body.getJsonArray("items").forEach(u -> assertTrue(seen.add(((JsonObject) u).getString("id")), "no repeats"));
      after = body.getString("next");
    } while (after != null && seen.size() < 50);
    assertTrue(seen.contains(id));

    HttpResponse<String> deleted = mesh.send("DELETE", "/api/users/" + id, null);
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertJsonError(mesh.get("/api/users/" + id), 404, "not_found");
  }

  @Test
  void inventoryRoutes() throws Exception {
    String sku = "LAMP-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = mesh.post("/api/inventory/products", new JsonObject()
        .put("sku", sku).put("name", "Desk lamp").put("priceCents", 4999).put("available", 3));
    assertEquals(201, created.statusCode(), created.body());
    JsonObject product = new JsonObject(created.body());
    assertEquals(3, product.getLong("available"));
    assertEquals(0, product.getLong("reserved"));

    assertJsonError(mesh.post("/api/inventory/products", new JsonObject()
        .put("sku", sku).put("name", "Again").put("priceCents", 1)), 409, "conflict");

    HttpResponse<String> restocked = mesh.post("/api/inventory/products/" + sku + "/restock",
        new JsonObject().put("quantity", 7));
    assertEquals(200, restocked.statusCode(), restocked.body());
    assertEquals(10, new JsonObject(restocked.body()).getLong("available"));

    HttpResponse<String> repriced = mesh.send("PATCH", "/api/inventory/products/" + sku, "{\"priceCents\":3999}");
    assertEquals(200, repriced.statusCode(), repriced.body());
    assertEquals(3999, new JsonObject(repriced.body()).getLong("priceCents"));

    HttpResponse<String> listed = mesh.get("/api/inventory/products?limit=100");
    assertEquals(200, listed.statusCode());
    assertTrue(listed.body().contains(sku));

    String orderId = "by-hand-" + UUID.randomUUID();
    JsonObject reserve = new JsonObject().put("orderId", orderId)
        .put("items", new io.vertx.core.json.JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 4)));
    HttpResponse<String> reserved = mesh.post("/api/inventory/reservations", reserve);
    assertEquals(200, reserved.statusCode(), reserved.body());
    assertEquals("RESERVED", new JsonObject(reserved.body()).getString("status"));
    assertEquals(reserved.body(), mesh.post("/api/inventory/reservations", reserve).body(), "a repeat answers the same");
    JsonObject held = new JsonObject(mesh.get("/api/inventory/products/" + sku).body());
    assertEquals(6, held.getLong("available"));
    assertEquals(4, held.getLong("reserved"));
    assertJsonError(mesh.post("/api/inventory/reservations", reserve.copy().put("orderId", orderId + "-big")
        .put("items", new io.vertx.core.json.JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 7)))),
        409, "insufficient_stock");
    HttpResponse<String> released = mesh.post("/api/inventory/reservations/" + orderId + "/release", new JsonObject());
    assertEquals(200, released.statusCode(), released.body());
    assertEquals("RELEASED", new JsonObject(released.body()).getString("status"));

    assertJsonError(mesh.get("/api/inventory/products/NOPE-" + UUID.randomUUID().toString().substring(0, 8)), 404, "not_found");
    HttpResponse<String> fetched = mesh.get("/api/inventory/products/" + sku);
    assertEquals(200, fetched.statusCode());
    assertEquals(10, new JsonObject(fetched.body()).getLong("available"));
  }

  @Test
  void badInputIsA4xxJsonErrorAndWritesNothing() throws Exception {
    String sku = "BOOK-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, mesh.post("/api/inventory/products", new JsonObject()
        .put("sku", sku).put("name", "Book").put("priceCents", 100).put("available", 5)).statusCode());
    String restock = "/api/inventory/products/" + sku + "/restock";

    assertJsonError(mesh.send("POST", restock, "{\"quantity\": 3"), 400, "bad_request");
    assertJsonError(mesh.send("POST", restock, "[3]"), 400, "bad_request");
    assertField(mesh.send("POST", restock, "{\"quantity\": \"3\"}"), "quantity");
    assertField(mesh.send("POST", restock, "{\"quantity\": 0}"), "quantity");
    assertField(mesh.send("POST", restock, "{\"quantity\": -4}"), "quantity");
    assertField(mesh.send("POST", restock, "{\"quantity\": 2.5}"), "quantity");
    assertField(mesh.send("POST", restock, "{}"), "quantity");
    assertField(mesh.send("POST", restock, "{\"quantity\": 1, \"available\": 99}"), "available");
    assertJsonError(mesh.send("POST", "/api/inventory/products/" + sku + "'%3B%20DROP%20TABLE%20products%3B--/restock",
        "{\"quantity\": 1}"), 400, "invalid");
    assertJsonError(mesh.send("POST", restock, "{\"quantity\": 1, \"pad\": \"" + "x".repeat(70_000) + "\"}"), 413, "too_large");
    assertEquals(5, new JsonObject(mesh.get("/api/inventory/products/" + sku).body()).getLong("available"),
        "no bad request wrote anything");

    assertField(mesh.post("/api/users", new JsonObject().put("email", "not-an-email").put("name", "Al")), "email");
    assertField(mesh.post("/api/users", new JsonObject().put("email", "al@example.com").put("name", "A")), "name");
    assertField(mesh.post("/api/users", new JsonObject().put("email", "al@example.com").put("name", "Al\u202Eevil")), "name");
    assertField(mesh.post("/api/users", new JsonObject().put("email", "al@example.com").put("name", "Al")
        .put("admin", true)), "admin");
    assertField(mesh.post("/api/users", new JsonObject().put("email", "al@example.com").put("name", 42)), "name");
    HttpResponse<String> quoted = mesh.post("/api/users", new JsonObject()
        .put("email", "bobby-" + UUID.randomUUID() + "@example.com").put("name", "Robert'); DROP TABLE users;--"));
    assertEquals(201, quoted.statusCode(), "SQL metacharacters are just text: " + quoted.body());
    assertEquals("Robert'); DROP TABLE users;--", new JsonObject(quoted.body()).getString("name"));
    assertJsonError(mesh.get("/api/users/not-a-uuid"), 400, "invalid");
    assertJsonError(mesh.get("/api/users?limit=1000"), 400, "invalid");
  }

  private static void assertField(HttpResponse<String> response, String field) {
    JsonObject error = assertJsonError(response, 400, "invalid");
    assertNotNull(error.getJsonObject("fields"), response.body());
    assertTrue(error.getJsonObject("fields").containsKey(field), "names the field '" + field + "': " + response.body());
  }

  private static JsonObject assertJsonError(HttpResponse<String> response, int status, String error) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject body = new JsonObject(response.body());
    assertEquals(status, body.getInteger("status"));
    assertEquals(error, body.getString("error"), response.body());
    assertNull(body.getValue("stack"));
    return body;
  }
}
