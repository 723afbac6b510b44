package dev.mesh.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mesh.common.MeshService;
import dev.mesh.common.Reply;
import dev.mesh.contracts.InventoryContract;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.UUID;

/** Talks to {@code mesh.inventory} the way the gateway and the order service do: a request with an action header. */
final class InventoryBus {

  private InventoryBus() {
  }

  static Future<String> deploy(Vertx vertx, Path dataDir) {
    return vertx.deployVerticle(new InventoryVerticle(), new DeploymentOptions()
        .setConfig(new JsonObject().put("MESH_DATA_DIR", dataDir.toString())));
  }

  static Future<Message<JsonObject>> call(Vertx vertx, String action, JsonObject body) {
    return vertx.eventBus().request(InventoryContract.ADDRESS, body,
        new DeliveryOptions().addHeader(MeshService.ACTION_HEADER, action).setSendTimeout(60_000));
  }

  /** The reply body, or the failure's status and error as {@code {"failed":status,"error":{...}}}. */
  static Future<JsonObject> outcome(Vertx vertx, String action, JsonObject body) {
    return call(vertx, action, body).map(Message::body)
        .recover(failure -> Future.succeededFuture(new JsonObject()
            .put("failed", status(failure)).put("error", error(failure))));
  }

  static int status(Message<JsonObject> reply) {
    return Integer.parseInt(reply.headers().get(Reply.STATUS_HEADER));
  }

  static int status(Throwable failure) {
    return ((ReplyException) failure).failureCode();
  }

  static JsonObject error(Throwable failure) {
    return new JsonObject(failure.getMessage());
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
    return call(vertx, "create", product(sku, 1999, available)).map(Message::body);
  }

  static Future<JsonObject> getProduct(Vertx vertx, String sku) {
    return call(vertx, "get", new JsonObject().put("sku", sku)).map(Message::body);
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
