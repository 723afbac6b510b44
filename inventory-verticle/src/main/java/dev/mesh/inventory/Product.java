package dev.mesh.inventory;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** A product and its stock as stored and as answered. */
record Product(String sku, String name, long priceCents, long available, long reserved, long sold, long stocked,
    OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static Product from(Row row) {
    return new Product(row.getString("sku"), row.getString("name"), row.getLong("price_cents"),
        row.getLong("available"), row.getLong("reserved"), row.getLong("sold"), row.getLong("stocked_total"),
        row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("sku", sku)
        .put("name", name)
        .put("priceCents", priceCents)
        .put("available", available)
        .put("reserved", reserved)
        .put("sold", sold)
        .put("stocked", stocked)
        .put("createdAt", createdAt.toInstant().toString())
        .put("updatedAt", updatedAt.toInstant().toString());
  }
}
