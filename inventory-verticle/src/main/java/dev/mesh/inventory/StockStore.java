package dev.mesh.inventory;

import dev.mesh.inventory.Reservation.State;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reservations: each step is one transaction that moves units between available, reserved and sold and
 * records the order's state with them, so both change together or not at all.
 *
 * <p>Concurrency: a step first claims or locks the order's row, which serializes repeats of one order;
 * then it locks the product rows it touches in sku order, which serializes orders competing for a product
 * without deadlocks. Short stock is decided on locked rows, so nothing is ever oversold, and the
 * table's CHECK constraints refuse a negative count even if this code were wrong.
 */
final class StockStore {

  /** A step's outcome: the order's reservation, the products it changed, and whether it was a repeat. */
  record StockChange(Reservation reservation, List<Product> changed, boolean repeated) {
  }

  private final Pool pool;

  StockStore(Pool pool) {
    this.pool = pool;
  }

  /** Reserves every item or none; a known order answers its stored reservation, changing nothing. */
  Future<StockChange> reserve(String orderId, SortedMap<String, Long> items) {
    return pool.withTransaction(conn -> conn.preparedQuery(InventorySql.CLAIM_ORDER)
        .execute(Tuple.of(orderId, State.RESERVED.name()))
        .compose(claimed -> claimed.size() == 0
            ? load(conn, orderId).map(stored -> new StockChange(stored, List.of(), true))
            : holdStock(conn, orderId, items)));
  }

  /** Gives back what the order reserved; an order never seen is recorded VOID so it cannot reserve later. */
  Future<StockChange> release(String orderId) {
    return pool.withTransaction(conn -> conn.preparedQuery(InventorySql.CLAIM_ORDER)
        .execute(Tuple.of(orderId, State.VOID.name()))
        .compose(claimed -> {
          if (claimed.size() > 0) {
            return Future.succeededFuture(new StockChange(
                new Reservation(orderId, State.VOID, Collections.emptySortedMap()), List.of(), false));
          }
          return lockOrder(conn, orderId).compose(state -> switch (state) {
            case RESERVED -> moveStock(conn, orderId, InventorySql.MOVE_RESERVED_TO_AVAILABLE, State.RELEASED);
            case COMMITTED -> Future.failedFuture(StockErrors.releaseAfterCommit(orderId));
            case RELEASED, VOID -> load(conn, orderId).map(stored -> new StockChange(stored, List.of(), true));
          });
        }));
  }

  /** Turns the order's reserved units into sold ones. */
  Future<StockChange> commit(String orderId) {
    return pool.withTransaction(conn -> lockOrder(conn, orderId).compose(state -> {
      if (state == null || state == State.VOID) {
        return Future.failedFuture(StockErrors.nothingToCommit(orderId));
      }
      return switch (state) {
        case RESERVED -> moveStock(conn, orderId, InventorySql.MOVE_RESERVED_TO_SOLD, State.COMMITTED);
        case RELEASED -> Future.failedFuture(StockErrors.commitAfterRelease(orderId));
        default -> load(conn, orderId).map(stored -> new StockChange(stored, List.of(), true));
      };
    }));
  }

  private Future<StockChange> holdStock(SqlConnection conn, String orderId, SortedMap<String, Long> items) {
    // arrays go in through typed adders: Tuple.of(Object...) would spread an Object[] into parameters
    String[] skus = items.keySet().toArray(String[]::new);
    Long[] quantities = items.values().toArray(Long[]::new);
    Tuple lockAll = Tuple.tuple().addArrayOfString(skus);
    return conn.preparedQuery(InventorySql.LOCK_PRODUCTS).execute(lockAll).compose(locked -> {
      Map<String, Long> available = new HashMap<>();
      locked.forEach(row -> available.put(row.getString("sku"), row.getLong("available")));
      List<String> unknown = items.keySet().stream().filter(sku -> !available.containsKey(sku)).toList();
      if (!unknown.isEmpty()) {
        return Future.failedFuture(StockErrors.unknownSkus(unknown));
      }
      List<String> shortSkus = items.keySet().stream().filter(sku -> available.get(sku) < items.get(sku)).toList();
      if (!shortSkus.isEmpty()) {
        return Future.failedFuture(StockErrors.shortStock(shortSkus));
      }
      return conn.preparedQuery(InventorySql.MOVE_AVAILABLE_TO_RESERVED)
          .execute(Tuple.tuple().addArrayOfString(skus).addArrayOfLong(quantities))
          .compose(updated -> conn.preparedQuery(InventorySql.INSERT_ORDER_ITEMS)
              .execute(Tuple.tuple().addString(orderId).addArrayOfString(skus).addArrayOfLong(quantities))
              .map(inserted -> new StockChange(new Reservation(orderId, State.RESERVED, items),
                  ProductStore.all(updated), false)));
    });
  }

  /** Moves the order's units with {@code sql} and sets its new state; product rows locked in sku order. */
  private Future<StockChange> moveStock(SqlConnection conn, String orderId, String sql, State next) {
    return conn.preparedQuery(InventorySql.LOCK_PRODUCTS_OF_ORDER).execute(Tuple.of(orderId))
        .compose(locked -> conn.preparedQuery(sql).execute(Tuple.of(orderId)))
        .compose(updated -> conn.preparedQuery(InventorySql.SET_ORDER_STATE).execute(Tuple.of(orderId, next.name()))
            .compose(v -> items(conn, orderId))
            .map(items -> new StockChange(new Reservation(orderId, next, items), ProductStore.all(updated), false)));
  }

  /** The order's state with its row locked for this transaction; null for an order never seen. */
  private Future<State> lockOrder(SqlConnection conn, String orderId) {
    return conn.preparedQuery(InventorySql.LOCK_ORDER).execute(Tuple.of(orderId)).map(StockStore::state);
  }

  private Future<Reservation> load(SqlConnection conn, String orderId) {
    return conn.preparedQuery(InventorySql.SELECT_ORDER_STATE).execute(Tuple.of(orderId))
        .compose(rows -> items(conn, orderId).map(items -> new Reservation(orderId, state(rows), items)));
  }

  private Future<SortedMap<String, Long>> items(SqlConnection conn, String orderId) {
    return conn.preparedQuery(InventorySql.SELECT_ORDER_ITEMS).execute(Tuple.of(orderId)).map(rows -> {
      SortedMap<String, Long> items = new TreeMap<>();
      rows.forEach(row -> items.put(row.getString("sku"), row.getLong("quantity")));
      return items;
    });
  }

  private static State state(RowSet<Row> rows) {
    return rows.size() == 0 ? null : State.valueOf(rows.iterator().next().getString("state"));
  }
}
