package dev.mesh.inventory;

import dev.mesh.common.Database;
import dev.mesh.common.Caller;
import dev.mesh.common.Endpoint;
import dev.mesh.common.MeshService;
import io.vertx.core.Future;
import java.util.List;

/**
 * The inventory service on {@code mesh.inventory}. The endpoint table below is the whole contract: route,
 * action, handler (see docs/inventory.md). The order saga calls the stock actions on the event bus.
 */
public class InventoryVerticle extends MeshService {

  private Database database;
  private ProductHandlers products;
  private ReservationHandlers reservations;

  @Override
  protected String name() {
    return "inventory";
  }

  @Override
  protected Future<?> prepare() {
    return Database.open(vertx, settings, name()).onSuccess(db -> {
      database = db;
      InventoryEvents events = new InventoryEvents(vertx);
      products = new ProductHandlers(new ProductStore(db.pool()), events);
      reservations = new ReservationHandlers(new StockStore(db.pool()), events);
    });
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/inventory/products", "create", products::createProduct).requireRoles(Caller.ADMIN),
        Endpoint.get("/api/inventory/products/:sku", "get", products::getProduct).open(),
        Endpoint.get("/api/inventory/products", "list", products::listProducts).open(),
        Endpoint.post("/api/inventory/products/:sku/restock", "restock", products::restockProduct)
            .requireRoles(Caller.ADMIN),
        Endpoint.patch("/api/inventory/products/:sku", "update", products::updateProduct).requireRoles(Caller.ADMIN),
        // the saga's steps; routed too, so an operator (or a client of issue-3 era) can drive stock by hand
        Endpoint.post("/api/inventory/reservations", "reserve", reservations::reserveStock).requireRoles(Caller.ADMIN),
        Endpoint.post("/api/inventory/reservations/:orderId/release", "release", reservations::releaseStock)
            .requireRoles(Caller.ADMIN),
        Endpoint.post("/api/inventory/reservations/:orderId/commit", "commit", reservations::commitStock)
            .requireRoles(Caller.ADMIN));
  }

  @Override
  protected Future<?> cleanup() {
    return database == null ? Future.succeededFuture() : database.close();
  }
}
