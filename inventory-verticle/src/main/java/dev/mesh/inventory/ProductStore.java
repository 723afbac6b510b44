package dev.mesh.inventory;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The products table, for the catalogue actions. Each operation is one statement, atomic by itself;
 * counts are changed relative to the stored value ({@code available + $2}), so concurrent restocks add up.
 */
final class ProductStore {

  private final Pool pool;

  ProductStore(Pool pool) {
    this.pool = pool;
  }

  Future<Product> insert(String sku, String name, long priceCents, long available) {
    return pool.preparedQuery(InventorySql.INSERT_PRODUCT).execute(Tuple.of(sku, name, priceCents, available))
        .map(rows -> Product.from(rows.iterator().next()));
  }

  Future<Optional<Product>> find(String sku) {
    return pool.preparedQuery(InventorySql.SELECT_PRODUCT).execute(Tuple.of(sku)).map(ProductStore::first);
  }

  /** Up to {@code limit + 1} products after {@code afterSku}, in sku order. */
  Future<List<Product>> pageAfter(String afterSku, int limit) {
    return pool.preparedQuery(InventorySql.SELECT_PRODUCT_PAGE).execute(Tuple.of(afterSku, limit + 1))
        .map(ProductStore::all);
  }

  Future<Optional<Product>> restock(String sku, long quantity) {
    return pool.preparedQuery(InventorySql.RESTOCK).execute(Tuple.of(sku, quantity)).map(ProductStore::first);
  }

  Future<Optional<Product>> update(String sku, String name, Long priceCents) {
    return pool.preparedQuery(InventorySql.UPDATE_PRODUCT).execute(Tuple.of(sku, name, priceCents))
        .map(ProductStore::first);
  }

  static List<Product> all(RowSet<Row> rows) {
    List<Product> products = new ArrayList<>();
    rows.forEach(row -> products.add(Product.from(row)));
    return products;
  }

  private static Optional<Product> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Product.from(rows.iterator().next()));
  }
}
