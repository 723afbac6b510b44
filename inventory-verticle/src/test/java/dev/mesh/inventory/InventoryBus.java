package dev.mesh.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.testing.Bus;
import dev.mesh.contracts.InventoryContract.Action;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.UUID;

/** Talks to the inventory service the way the gateway and the order service do: through the mesh's client, signed. */
final class InventoryBus {

  private InventoryBus() {
  }

  static Future<String> deploy(Vertx vertx, Path dataDir) {
    return vertx.deployVerticle(new InventoryVerticle(), new DeploymentOptions()
        .setConfig(new JsonObject().put("MESH_DATA_DIR", dataDir.toString())));
  }

  static Future<Message<JsonObject>> call(Vertx vertx, Action action, JsonObject body) {
    return Bus.call(vertx, action, body);
  }

  /** The reply body, or the failure's status and error as {@code {"failed":status,"error":{...}}}. */
  static Future<JsonObject> outcome(Vertx vertx, Action action, JsonObject body) {
    return Bus.outcome(vertx, action, body);
  }

  static int status(Message<JsonObject> reply) {
    return Bus.status(reply);
  }

  static int status(Throwable failure) {
    return Bus.status(failure);
  }

  static JsonObject error(Throwable failure) {
    return Bus.error(failure);
  }

  static String uniqueSku() {
    return "SKU-" + UUID.randomUUID().toString().substring(0, 13);
  }

  static String uniqueOrder() {
    return "order-" + UUID.randomUUID();
  }

  static JsonObject product(String sku, long priceCents, long available) {
    return new JsonObject().put("sku", sku).put("name", "Product " + sku).put("priceCents", priceCents)
        .put("available", available);
  }

  static Future<JsonObject> createProduct(Vertx vertx, String sku, long available) {
    return call(vertx, Action.CREATE, product(sku, 1999, available)).map(Message::body);
  }

  static Future<JsonObject> getProduct(Vertx vertx, String sku) {
    return call(vertx, Action.GET, new JsonObject().put("sku", sku)).map(Message::body);
  }

  static JsonObject reserve(String orderId, Object... skuAndQuantity) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      items.add(new JsonObject().put("sku", skuAndQuantity[i]).put("quantity", skuAndQuantity[i + 1]));
    }
    return new JsonObject().put("orderId", orderId).put("items", items);
  }

  static JsonObject order(String orderId) {
    return new JsonObject().put("orderId", orderId);
  }

  /** Asserts the product's counts, and that no unit was lost or made up. */
  static void assertCounts(JsonObject product, long available, long reserved, long sold) {
    assertEquals(available, product.getLong("available"), "available of " + product.encode());
    assertEquals(reserved, product.getLong("reserved"), "reserved of " + product.encode());
    assertEquals(sold, product.getLong("sold"), "sold of " + product.encode());
    assertTrue(available >= 0 && reserved >= 0 && sold >= 0);
    assertEquals(product.getLong("stocked"),
        product.getLong("available") + product.getLong("reserved") + product.getLong("sold"));
  }
}
