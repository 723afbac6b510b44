package dev.mesh.inventory;

import dev.mesh.common.MeshError;
import dev.mesh.common.Reply;
import dev.mesh.db.PgErrors;
import dev.mesh.inventory.InventoryEvents.Reason;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One method per catalogue action of {@code mesh.inventory}: validate, store, then publish what changed. */
final class ProductHandlers {

  private static final Logger log = LoggerFactory.getLogger(ProductHandlers.class);

  private final ProductStore store;
  private final InventoryEvents events;

  ProductHandlers(ProductStore store, InventoryEvents events) {
    this.store = store;
    this.events = events;
  }

  Future<Reply> createProduct(JsonObject input) {
    InventoryValidation.NewProduct request = InventoryValidation.create(input);
    return store.insert(request.sku(), request.name(), request.priceCents(), request.available())
        .recover(failure -> Future.failedFuture(PgErrors.isUniqueViolation(failure)
            ? MeshError.conflict("a product with sku " + request.sku() + " already exists")
                .withFields(new JsonObject().put("sku", "is already taken"))
            : PgErrors.translate(failure)))
        .onSuccess(product -> {
          log.info("product {} created with {} available", product.sku(), product.available());
          events.changed(product, Reason.CREATED);
        })
        .map(product -> Reply.created(product.toJson()));
  }

  Future<Reply> getProduct(JsonObject input) {
    String sku = InventoryValidation.sku(input);
    return store.find(sku).recover(ProductHandlers::translated)
        .map(found -> Reply.ok(orNotFound(found, sku).toJson()));
  }

  Future<Reply> listProducts(JsonObject input) {
    InventoryValidation.Page page = InventoryValidation.page(input);
    return store.pageAfter(page.afterSku(), page.limit()).recover(ProductHandlers::translated)
        .map(products -> Reply.ok(pageJson(products, page.limit())));
  }

  Future<Reply> restockProduct(JsonObject input) {
    InventoryValidation.Restock request = InventoryValidation.restock(input);
    return store.restock(request.sku(), request.quantity()).recover(ProductHandlers::translated)
        .map(found -> orNotFound(found, request.sku()))
        .onSuccess(product -> {
          log.info("product {} restocked by {}", product.sku(), request.quantity());
          events.changed(product, Reason.RESTOCKED);
        })
        .map(product -> Reply.ok(product.toJson()));
  }

  Future<Reply> updateProduct(JsonObject input) {
    InventoryValidation.ProductChanges changes = InventoryValidation.update(input);
    return store.update(changes.sku(), changes.name(), changes.priceCents()).recover(ProductHandlers::translated)
        .map(found -> orNotFound(found, changes.sku()))
        .onSuccess(product -> events.changed(product, Reason.UPDATED))
        .map(product -> Reply.ok(product.toJson()));
  }

  private static JsonObject pageJson(List<Product> products, int limit) {
    boolean more = products.size() > limit;
    List<Product> page = more ? products.subList(0, limit) : products;
    JsonArray items = new JsonArray();
    page.forEach(product -> items.add(product.toJson()));
    String next = more ? InventoryValidation.cursorAfter(page.get(page.size() - 1)) : null;
    return new JsonObject().put("items", items).put("next", next);
  }

  private static Product orNotFound(Optional<Product> found, String sku) {
    return found.orElseThrow(() -> MeshError.notFound("no product with sku " + sku));
  }

  private static <T> Future<T> translated(Throwable failure) {
    return Future.failedFuture(PgErrors.translate(failure));
  }
}
