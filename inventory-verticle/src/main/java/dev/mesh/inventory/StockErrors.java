package dev.mesh.inventory;

import dev.mesh.common.MeshError;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The refusals of the stock actions, worded once. A short-stock refusal has its own error code,
 * {@code insufficient_stock}, so a caller can tell it from the other 409s without reading the message.
 */
final class StockErrors {

  static final String INSUFFICIENT_STOCK = "insufficient_stock";

  private StockErrors() {
  }

  static MeshError unknownSkus(List<String> skus) {
    return MeshError.notFound("no product with sku " + String.join(", ", skus))
        .withFields(new JsonObject().put("items", "unknown sku: " + String.join(", ", skus)));
  }

  static MeshError shortStock(List<String> skus) {
    return new MeshError(409, INSUFFICIENT_STOCK, "not enough stock for " + String.join(", ", skus),
        new JsonObject().put("items", "short: " + String.join(", ", skus)));
  }

  static MeshError reservedWithOtherItems(String orderId) {
    return MeshError.conflict("order " + orderId + " already reserved other items; a reservation cannot change")
        .withFields(new JsonObject().put("items", "differ from the items order " + orderId + " reserved"));
  }

  static MeshError releasedBefore(String orderId) {
    return MeshError.conflict("order " + orderId + " was released; it cannot reserve again (use a new orderId)");
  }

  static MeshError releaseAfterCommit(String orderId) {
    return MeshError.conflict("order " + orderId + " is committed; its stock is sold and cannot be released");
  }

  static MeshError commitAfterRelease(String orderId) {
    return MeshError.conflict("order " + orderId + " was released; there is nothing left to commit");
  }

  static MeshError nothingToCommit(String orderId) {
    return MeshError.notFound("order " + orderId + " has no reservation to commit");
  }
}
