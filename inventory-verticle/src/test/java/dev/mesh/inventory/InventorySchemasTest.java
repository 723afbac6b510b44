package dev.mesh.inventory;

import dev.mesh.common.testing.SchemaAgreement;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The published schemas of the inventory routes and InventoryValidation agree, body by body (no drift). */
class InventorySchemasTest {

  private static final JsonObject NO_PATH = new JsonObject();
  private static final JsonObject PATH_SKU = new JsonObject().put("sku", "mug-blue");
  private static final JsonObject PATH_ORDER = new JsonObject().put("orderId", "order-42");

  @Test
  void createProduct() {
    SchemaAgreement.route("POST /api/inventory/products", InventorySchemas.NEW_PRODUCT, NO_PATH,
            InventoryValidation::create)
        .accepts("{\"sku\": \"mug-blue\", \"name\": \"Blue mug\", \"priceCents\": 1250}")
        .accepts("{\"sku\": \"A\", \"name\": \"x\", \"priceCents\": 0, \"available\": 1000000000}")
        .accepts("{\"sku\": \"" + "S".repeat(64) + "\", \"name\": \"Mug\", \"priceCents\": 10000000000}")
        .rejects("{}")
        .rejects("{\"sku\": \"-mug\", \"name\": \"Mug\", \"priceCents\": 1}")
        .rejects("{\"sku\": \"mug blue\", \"name\": \"Mug\", \"priceCents\": 1}")
        .rejects("{\"sku\": \"" + "S".repeat(65) + "\", \"name\": \"Mug\", \"priceCents\": 1}")
        .rejects("{\"sku\": \"mug\", \"name\": \"\", \"priceCents\": -1}")
        .rejects("{\"sku\": \"mug\", \"name\": \"Mug\", \"priceCents\": \"12\"}")
        .rejects("{\"sku\": \"mug\", \"name\": \"Mug\", \"priceCents\": 10000000001}")
        .rejects("{\"sku\": \"mug\", \"name\": \"Mug\", \"priceCents\": 1, \"available\": -5}")
        .rejects("{\"sku\": 5, \"name\": null, \"priceCents\": 1, \"colour\": \"blue\"}")
        .rejects("{\"sku\": \"mug\", \"name\": \"" + "n".repeat(201) + "\", \"priceCents\": 1}")
        // JSON Schema counts 2.0 as a whole number; the service wants an integer literal
        .onlyTheServiceRejects("{\"sku\": \"mug\", \"name\": \"Mug\", \"priceCents\": 2.0}")
        .onlyTheServiceRejects("{\"sku\": \"mug\", \"name\": \"   \", \"priceCents\": 1}")
        .verify();
  }

  @Test
  void restockProduct() {
    SchemaAgreement.route("POST /api/inventory/products/{sku}/restock", InventorySchemas.RESTOCK, PATH_SKU,
            InventoryValidation::restock)
        .accepts("{\"quantity\": 1}")
        .accepts("{\"quantity\": 1000000000}")
        .rejects("{}")
        .rejects("{\"quantity\": 0}")
        .rejects("{\"quantity\": 1000000001}")
        .rejects("{\"quantity\": 2.5}")
        .rejects("{\"quantity\": \"3\"}")
        .rejects("{\"quantity\": 3, \"note\": \"x\"}")
        .verify();
  }

  @Test
  void updateProduct() {
    SchemaAgreement.route("PATCH /api/inventory/products/{sku}", InventorySchemas.PRODUCT_CHANGES, PATH_SKU,
            InventoryValidation::update)
        .accepts("{\"name\": \"Green mug\"}")
        .accepts("{\"priceCents\": 990}")
        .accepts("{\"name\": \"Green mug\", \"priceCents\": 0}")
        .rejects("{}")
        .rejects("{\"priceCents\": -1}")
        .rejects("{\"name\": \"\"}")
        .rejects("{\"available\": 3}")
        .rejects("{\"name\": \"Mug\", \"available\": 3}")
        .verify();
  }

  @Test
  void reserveStock() {
    SchemaAgreement.route("POST /api/inventory/reservations", InventorySchemas.RESERVATION, NO_PATH,
            InventoryValidation::reserve)
        .accepts("{\"orderId\": \"order-42\", \"items\": [{\"sku\": \"mug-blue\", \"quantity\": 2}]}")
        .accepts("{\"orderId\": \"a.b:c_d-1\", \"items\": [{\"sku\": \"A\", \"quantity\": 1000000},"
            + " {\"sku\": \"B\", \"quantity\": 1}]}")
        .rejects("{}")
        .rejects("{\"orderId\": \"order 42\", \"items\": []}")
        .rejects("{\"orderId\": \"o\", \"items\": {\"sku\": \"A\"}}")
        .rejects("{\"orderId\": \"o\", \"items\": [{\"sku\": \"A\", \"quantity\": 0}, 7,"
            + " {\"quantity\": 1}, {\"sku\": \"B\", \"quantity\": 1, \"price\": 3}]}")
        .rejects("{\"orderId\": \"o\", \"items\": [" + "{\"sku\": \"A\", \"quantity\": 1},".repeat(100)
            + "{\"sku\": \"A\", \"quantity\": 1}]}")
        .rejects("{\"orderId\": \"" + "o".repeat(129) + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1}]}")
        .onlyTheServiceRejects("{\"orderId\": \"o\", \"items\": [{\"sku\": \"A\", \"quantity\": 1},"
            + " {\"sku\": \"A\", \"quantity\": 2}]}")
        .verify();
  }

  @Test
  void releaseAndCommitTakeNothingButThePath() {
    for (String action : new String[] {"release", "commit"}) {
      SchemaAgreement.route("POST /api/inventory/reservations/{orderId}/" + action, InventorySchemas.NOTHING,
              PATH_ORDER, InventoryValidation::orderId)
          .accepts("{}")
          .rejects("{\"items\": []}")
          .rejects("{\"reason\": \"x\", \"force\": true}")
          .verify();
    }
  }
}
