package dev.mesh.orders;

import dev.mesh.common.MeshError;
import dev.mesh.db.PgErrors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Orders in PostgreSQL. Every state change and the event that announces it are written in one
 * transaction (the outbox), so an event is never lost nor published for a change that did not happen.
 */
final class OrderStore {

  /** What create found: the order, and whether this call made it (false: an idempotent repeat). */
  record Created(Order order, boolean isNew) {
  }

  private final Pool pool;
  private final Runnable outboxWritten;

  OrderStore(Pool pool, Runnable outboxWritten) {
    this.pool = pool;
    this.outboxWritten = outboxWritten;
  }

  /** A new PENDING order, or the one made before under the same idempotency key (422 if its body differs). */
  Future<Created> create(OrderValidation.NewOrder request) {
    String id = UUID.randomUUID().toString();
    Tuple params = Tuple.of(id, request.userId(), request.items(), request.idempotencyKey(), request.hash());
    return pool.withTransaction(conn -> conn.preparedQuery(OrderSql.INSERT_ORDER).execute(params)
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture((Order) null); // the key was used before
              }
              Order order = Order.from(rows.iterator().next());
              return writeEvent(conn, order).map(order);
            }))
        .recover(failure -> PgErrors.isUniqueViolation(failure)
            ? Future.succeededFuture(null) // a concurrent twin with the same key won the insert
            : Future.failedFuture(PgErrors.translate(failure)))
        .compose(order -> {
          if (order != null) {
            outboxWritten.run();
            return Future.succeededFuture(new Created(order, true));
          }
          return findByKey(request.idempotencyKey()).map(existing -> {
            if (!existing.requestHash().equals(request.hash())) {
              throw new MeshError(422, "idempotency_key_reused",
                  "this Idempotency-Key was used for a different order; use a new key", null);
            }
            return new Created(existing, false);
          });
        });
  }

  Future<Order> find(String id) {
    return pool.preparedQuery(OrderSql.FIND).execute(Tuple.of(id)).map(OrderStore::single);
  }

  private Future<Order> findByKey(String key) {
    return pool.preparedQuery(OrderSql.FIND_BY_KEY).execute(Tuple.of(key)).map(OrderStore::single);
  }

  Future<List<Order>> list(String userId, long afterSeq, int limit) {
    Future<RowSet<Row>> rows = userId == null
        ? pool.preparedQuery(OrderSql.LIST).execute(Tuple.of(afterSeq, limit))
        : pool.preparedQuery(OrderSql.LIST_BY_USER).execute(Tuple.of(userId, afterSeq, limit));
    return rows.map(OrderStore::all);
  }

  /**
   * Moves an order to {@code status} (with its event) if it is in one of {@code fromStatus} and its stock
   * in one of {@code fromStock}; null when it was not (another saga or a cancel got there first).
   */
  Future<Order> transition(String id, String status, String reason, String stockState, List<String> fromStatus,
      List<String> fromStock) {
    Tuple params = Tuple.of(id, status, reason, stockState, fromStatus.toArray(String[]::new),
        fromStock.toArray(String[]::new));
    return pool.withTransaction(conn -> conn.preparedQuery(OrderSql.TRANSITION).execute(params)
            .compose(rows -> {
              Order order = single(rows);
              return order == null ? Future.succeededFuture((Order) null) : writeEvent(conn, order).map(order);
            }))
        .onSuccess(order -> {
          if (order != null) {
            outboxWritten.run();
          }
        });
  }

  /** Records what the saga did with the stock; null when the order's stock state was not one of {@code from}. */
  Future<Order> setStockState(String id, List<String> from, String to) {
    return pool.preparedQuery(OrderSql.SET_STOCK_STATE)
        .execute(Tuple.of(id, from.toArray(String[]::new), to))
        .map(OrderStore::single);
  }

  Future<List<Order>> unfinished(long staleMs, long cancelWindowMs) {
    return pool.preparedQuery(OrderSql.UNFINISHED).execute(Tuple.of(staleMs, cancelWindowMs)).map(OrderStore::all);
  }

  private static Future<Void> writeEvent(SqlClient conn, Order order) {
    String eventId = UUID.randomUUID().toString();
    String address = "events.order." + (Order.PENDING.equals(order.status()) ? "created" : order.status().toLowerCase());
    return conn.preparedQuery(OrderSql.INSERT_EVENT)
        .execute(Tuple.of(eventId, address, order.event(eventId)))
        .mapEmpty();
  }

  private static Order single(RowSet<Row> rows) {
    return rows.size() == 0 ? null : Order.from(rows.iterator().next());
  }

  private static List<Order> all(RowSet<Row> rows) {
    List<Order> orders = new ArrayList<>();
    rows.forEach(row -> orders.add(Order.from(row)));
    return orders;
  }

  static JsonArray page(List<Order> orders) {
    JsonArray page = new JsonArray();
    orders.forEach(o -> page.add(o.toJson()));
    return page;
  }
}
