package dev.mesh.orders;

import dev.mesh.common.testing.SchemaAgreement;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The published schemas of the order routes and OrderValidation agree, body by body (no drift). */
class OrderSchemasTest {

  private static final String USER = "3f2b8c1e-7d4a-4e9b-9c1f-0a2b3c4d5e6f";
  // the gateway adds the Idempotency-Key header to the input as this field
  private static final JsonObject HEADER_KEY = new JsonObject().put("idempotencyKey", "order-0001");

  @Test
  void placeOrder() {
    SchemaAgreement.route("POST /api/orders", OrderSchemas.NEW_ORDER, HEADER_KEY, OrderValidation::create)
        .accepts("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"mug-blue\", \"quantity\": 2}]}")
        .accepts("{\"userId\": \"" + USER.toUpperCase() + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1000},"
            + " {\"sku\": \"B_2\", \"quantity\": 1}], \"idempotencyKey\": \"order-0001\"}")
        .rejects("{}")
        .rejects("{\"userId\": \"42\", \"items\": [{\"sku\": \"A\", \"quantity\": 1}]}")
        .rejects("{\"userId\": \"" + USER + "\", \"items\": []}")
        .rejects("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1001}]}")
        .rejects("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1.5}, {\"sku\": \"\"},"
            + " \"mug\", {\"sku\": \"C\", \"quantity\": 1, \"gift\": true}]}")
        .rejects("{\"userId\": \"" + USER + "\", \"items\": [" + "{\"sku\": \"A\", \"quantity\": 1},".repeat(50)
            + "{\"sku\": \"Z\", \"quantity\": 1}]}")
        .rejects("{\"userId\": null, \"items\": null}")
        .rejects("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1}], \"total\": 9}")
        .onlyTheServiceRejects("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1},"
            + " {\"sku\": \"A\", \"quantity\": 1}]}")
        .verify();
  }

  @Test
  void aKeyInTheBodyMustHaveTheHeadersShape() {
    SchemaAgreement.route("POST /api/orders", OrderSchemas.NEW_ORDER, new JsonObject(), OrderValidation::create)
        .accepts("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1}],"
            + " \"idempotencyKey\": \"k-1\"}")
        .rejects("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1}],"
            + " \"idempotencyKey\": \"has space\"}")
        .rejects("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1}],"
            + " \"idempotencyKey\": 12}")
        // the key is required, but from the header or the body: only the service sees both
        .onlyTheServiceRejects("{\"userId\": \"" + USER + "\", \"items\": [{\"sku\": \"A\", \"quantity\": 1}]}")
        .verify();
  }

  @Test
  void cancelTakesNothingButThePath() {
    SchemaAgreement.route("POST /api/orders/{id}/cancel", OrderSchemas.NOTHING, new JsonObject().put("id", USER),
            OrderValidation::id)
        .accepts("{}")
        .rejects("{\"reason\": \"changed my mind\"}")
        .verify();
  }
}
