package dev.mesh.inventory;

import static dev.mesh.inventory.InventoryValidation.ITEMS_MAX;
import static dev.mesh.inventory.InventoryValidation.ITEM_QUANTITY_MAX;
import static dev.mesh.inventory.InventoryValidation.NAME_MAX;
import static dev.mesh.inventory.InventoryValidation.NAME_MIN;
import static dev.mesh.inventory.InventoryValidation.PRICE_MAX;
import static dev.mesh.inventory.InventoryValidation.STOCK_MAX;

import dev.mesh.common.contract.Schemas;
import io.vertx.core.json.JsonObject;

/**
 * The request bodies of the inventory routes as JSON Schemas, written from {@link InventoryValidation}'s
 * own limits and patterns. The gateway publishes them and refuses a body that fails them;
 * InventorySchemasTest proves on a table of bodies that they and InventoryValidation give the same verdict.
 */
final class InventorySchemas {

  static final String SKU_INVALID = "must be 1 to 64 of A-Z a-z 0-9 - _, starting with a letter or digit";
  static final String ORDER_ID_INVALID = "must be 1 to 128 of A-Z a-z 0-9 . _ : -, starting with a letter or digit";

  static final JsonObject NEW_PRODUCT = Schemas.object()
      .required("sku", sku())
      .required("name", name())
      .required("priceCents", Schemas.example(Schemas.wholeNumber(0, PRICE_MAX), 1250))
      .optional("available", Schemas.described(Schemas.wholeNumber(0, STOCK_MAX), "initial stock (default 0)"))
      .toJson();

  static final JsonObject RESTOCK = Schemas.object()
      .required("quantity", Schemas.example(Schemas.wholeNumber(1, STOCK_MAX), 10))
      .toJson();

  static final JsonObject PRODUCT_CHANGES = Schemas.object()
      .optional("name", name())
      .optional("priceCents", Schemas.wholeNumber(0, PRICE_MAX))
      .atLeastOneOf("give priceCents or name (or both) to change", "priceCents", "name")
      .toJson();

  static final JsonObject RESERVATION = Schemas.object()
      .required("orderId", Schemas.example(
          Schemas.matching(InventoryValidation.ORDER_ID, ORDER_ID_INVALID), "by-hand-1"))
      .required("items", Schemas.arrayOf(Schemas.object()
          .required("sku", sku())
          .required("quantity", Schemas.wholeNumber(1, ITEM_QUANTITY_MAX))
          .invalid("must be an object {sku, quantity}")
          .toJson(), 1, ITEMS_MAX))
      .toJson();

  /** Release and commit take the order id from the path and nothing in the body. */
  static final JsonObject NOTHING = Schemas.object().toJson();

  private InventorySchemas() {
  }

  private static JsonObject sku() {
    return Schemas.example(Schemas.matching(InventoryValidation.SKU, SKU_INVALID), "mug-blue");
  }

  private static JsonObject name() {
    return Schemas.example(Schemas.text(NAME_MIN, NAME_MAX), "Blue mug");
  }
}
