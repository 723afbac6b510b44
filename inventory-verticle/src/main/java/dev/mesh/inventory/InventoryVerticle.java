package dev.mesh.inventory;

import dev.mesh.common.Endpoint;
import dev.mesh.db.DatabaseService;
import io.vertx.core.Future;
import java.util.List;

/**
 * The inventory service on {@code mesh.inventory}. The endpoint table below is the whole contract: route,
 * action, handler (see docs/inventory.md). The order saga calls the stock actions on the event bus.
 */
public class InventoryVerticle extends DatabaseService {

  private ProductHandlers products;
  private ReservationHandlers reservations;

  @Override
  protected String name() {
    return "inventory";
  }

  @Override
  protected Future<?> prepare() {
    return openDatabase().onSuccess(db -> {
      InventoryEvents events = new InventoryEvents(vertx);
      products = new ProductHandlers(new ProductStore(db.pool()), events);
      reservations = new ReservationHandlers(new StockStore(db.pool()), events);
    });
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/inventory/products", "create", products::createProduct),
        Endpoint.get("/api/inventory/products/:sku", "get", products::getProduct),
        Endpoint.get("/api/inventory/products", "list", products::listProducts),
        Endpoint.post("/api/inventory/products/:sku/restock", "restock", products::restockProduct),
        Endpoint.patch("/api/inventory/products/:sku", "update", products::updateProduct),
        // the saga's steps; routed too, so an operator (or a client of issue-3 era) can drive stock by hand
        Endpoint.post("/api/inventory/reservations", "reserve", reservations::reserveStock),
        Endpoint.post("/api/inventory/reservations/:orderId/release", "release", reservations::releaseStock),
        Endpoint.post("/api/inventory/reservations/:orderId/commit", "commit", reservations::commitStock));
  }
}
