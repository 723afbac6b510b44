package dev.mesh.inventory;

import dev.mesh.common.Endpoint;
import dev.mesh.common.observe.MeshMetrics;
import dev.mesh.common.contract.Schemas;
import dev.mesh.contracts.InventoryContract;
import dev.mesh.contracts.InventoryContract.Action;
import dev.mesh.db.DatabaseService;
import io.vertx.core.Future;
import java.util.List;

/**
 * The inventory service ({@link InventoryContract}: its address, actions and events). The endpoint table
 * below pairs each action with its route and handler (see docs/inventory.md). The order saga calls the
 * stock actions on the event bus.
 */
public class InventoryVerticle extends DatabaseService {

  private ProductHandlers products;
  private ReservationHandlers reservations;

  @Override
  protected String name() {
    return InventoryContract.SERVICE;
  }

  @Override
  protected Future<?> prepare() {
    return openDatabase().onSuccess(db -> {
      InventoryEvents events = new InventoryEvents(vertx);
      products = new ProductHandlers(new ProductStore(db.pool()), events);
      reservations = new ReservationHandlers(new StockStore(db.pool()), events,
          new ReservationMetrics(MeshMetrics.registry(vertx)));
    });
  }

  @Override
  protected List<InventoryContract.Event> events() {
    return List.of(InventoryContract.Event.values());
  }

  @Override
  protected List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/inventory/products", Action.CREATE, products::createProduct)
            .summary("Create a product with its initial stock").body(InventorySchemas.NEW_PRODUCT)
            .responds(201, "the new product").responds(409, "a product with this sku exists"),
        Endpoint.get("/api/inventory/products/:sku", Action.GET, products::getProduct)
            .summary("Read a product and its stock").responds(200, "the product")
            .responds(404, "no such product"),
        Endpoint.get("/api/inventory/products", Action.LIST, products::listProducts)
            .summary("List products by sku, a page at a time")
            .query("limit", "page size (default " + InventoryValidation.PAGE_DEFAULT + ")",
                Schemas.wholeNumber(1, InventoryValidation.PAGE_MAX))
            .query("after", "the 'next' cursor of the previous page", Schemas.string())
            .responds(200, "{items, next}: a page of products and the cursor of the next page (null at the end)"),
        Endpoint.post("/api/inventory/products/:sku/restock", Action.RESTOCK, products::restockProduct)
            .summary("Add stock to a product").body(InventorySchemas.RESTOCK)
            .responds(200, "the product with its new stock").responds(404, "no such product"),
        Endpoint.patch("/api/inventory/products/:sku", Action.UPDATE, products::updateProduct)
            .summary("Change a product's name or price").body(InventorySchemas.PRODUCT_CHANGES)
            .responds(200, "the changed product").responds(404, "no such product"),
        // the saga's steps; routed too, so an operator (or a client of issue-3 era) can drive stock by hand
        Endpoint.post("/api/inventory/reservations", Action.RESERVE, reservations::reserveStock)
            .summary("Reserve stock for an order, all items or none (idempotent per order id)")
            .body(InventorySchemas.RESERVATION)
            .responds(200, "the reservation").responds(404, "an unknown sku")
            .responds(409, "not enough stock, or the order id was used for other items"),
        Endpoint.post("/api/inventory/reservations/:orderId/release", Action.RELEASE, reservations::releaseStock)
            .summary("Give an order's reserved stock back (idempotent)").body(InventorySchemas.NOTHING)
            .responds(200, "the released reservation").responds(409, "the reservation was committed"),
        Endpoint.post("/api/inventory/reservations/:orderId/commit", Action.COMMIT, reservations::commitStock)
            .summary("Turn an order's reserved stock into sold stock (idempotent)").body(InventorySchemas.NOTHING)
            .responds(200, "the committed reservation").responds(404, "no reservation for this order")
            .responds(409, "the reservation was released"));
  }
}
