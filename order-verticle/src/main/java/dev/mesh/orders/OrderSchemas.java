package dev.mesh.orders;

import dev.mesh.common.contract.Schemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The request bodies of the order routes as JSON Schemas, written from {@link OrderValidation}'s own
 * limits and patterns. The gateway publishes them and refuses a body that fails them; OrderSchemasTest
 * proves on a table of bodies that they and OrderValidation give the same verdict.
 */
final class OrderSchemas {

  static final JsonObject NEW_ORDER = Schemas.object()
      .required("userId", Schemas.described(Schemas.uuid(), "the ordering user's id"))
      .required("items", Schemas.example(Schemas.arrayOf(Schemas.object()
          .required("sku", Schemas.matching(OrderValidation.SKU,
              "must be 1 to 64 of A-Z a-z 0-9 - _, starting with a letter or digit"))
          .required("quantity", Schemas.wholeNumber(1, OrderValidation.MAX_QUANTITY))
          .invalid("must be an object {sku, quantity}")
          .toJson(), 1, OrderValidation.MAX_ITEMS),
          new JsonArray().add(new JsonObject().put("sku", "mug-blue").put("quantity", 1))))
      .optional("idempotencyKey", Schemas.described(Schemas.matching(OrderValidation.KEY,
          "must be 1 to 200 printable ASCII characters without spaces"),
          "the same as the Idempotency-Key header, for clients that cannot set headers"))
      .toJson();

  /** Cancel takes the order id from the path and nothing in the body. */
  static final JsonObject NOTHING = Schemas.object().toJson();

  private OrderSchemas() {
  }
}
