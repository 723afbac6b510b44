package dev.mesh.orders;

import dev.mesh.common.MeshError;
import dev.mesh.common.observe.MeshTracing;
import dev.mesh.db.PgErrors;
import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
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
 * Every saga write is guarded by the order's claim (see {@link OrderSql}): a method that returns null
 * changed nothing, because the order had moved on or its claim had passed to another driver.
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

  static String newClaim() {
    return UUID.randomUUID().toString();
  }

  /**
   * A new PENDING order claimed by its creator for {@code leaseMs}, or the one made before under the
   * same idempotency key (422 if its body differs).
   */
  Future<Created> create(OrderValidation.NewOrder request, long leaseMs) {
    String id = UUID.randomUUID().toString();
    Tuple params = Tuple.of(id, request.userId(), request.items(), request.idempotencyKey(), request.hash(),
        newClaim(), leaseMs, MeshTracing.sampledTraceparent());
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

  /** Claims up to {@code limit} due orders for {@code claim} (see {@link OrderSql#CLAIM_DUE}). */
  Future<List<Order>> claimDue(String claim, long leaseMs, int limit, List<String> openServices, long giveUpMs) {
    return pool.preparedQuery(OrderSql.CLAIM_DUE)
        .execute(Tuple.of(claim, leaseMs, limit, openServices.toArray(String[]::new), giveUpMs))
        .map(OrderStore::all);
  }

  /** PENDING to CONFIRMED, with its event; the stock stays reserved ({@code nextMs}: the window) or is claimed for commit. */
  Future<Order> confirm(Order order, Stock stock, String nextClaim, long nextMs) {
    return withEvent(OrderSql.CONFIRM, Tuple.of(order.id(), order.claim(), stock.name(), nextClaim, nextMs));
  }

  /** PENDING to REJECTED or CANCELLED, with its event; the claim stays for the release that follows. */
  Future<Order> end(Order order, Status status, String reason, long leaseMs) {
    return withEvent(OrderSql.END, Tuple.of(order.id(), order.claim(), status.name(), reason, leaseMs));
  }

  /** The order waits for {@code service}; null if it must end instead (give-up time passed) or lost its claim. */
  Future<Order> waitFor(Order order, SagaStep step, long delayMs, long giveUpMs) {
    return pool.preparedQuery(OrderSql.WAIT)
        .execute(Tuple.of(order.id(), order.claim(), step.name(), step.service(), delayMs, giveUpMs))
        .map(OrderStore::single);
  }

  /** A compensation or commit that {@code service} could not take now: due again in {@code delayMs}. */
  Future<Order> stockLater(Order order, String service, long delayMs) {
    return pool.preparedQuery(OrderSql.STOCK_LATER)
        .execute(Tuple.of(order.id(), order.claim(), delayMs, service))
        .map(OrderStore::single);
  }

  /** The stock moved from one of {@code from} to {@code to}; nothing more is owed. */
  Future<Order> settleStock(Order order, List<Stock> from, Stock to) {
    String[] fromNames = from.stream().map(Stock::name).toArray(String[]::new);
    return pool.preparedQuery(OrderSql.SETTLE_STOCK)
        .execute(Tuple.of(order.id(), order.claim(), fromNames, to.name()))
        .map(OrderStore::single);
  }

  /** A customer's cancel, taking the order over under a new claim; null when it cannot be cancelled. */
  Future<Order> cancel(String id, String reason, long leaseMs, long cancelWindowMs) {
    return withEvent(OrderSql.CANCEL, Tuple.of(id, newClaim(), reason, leaseMs, cancelWindowMs));
  }

  private Future<Order> withEvent(String sql, Tuple params) {
    return pool.withTransaction(conn -> conn.preparedQuery(sql).execute(params)
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

  private static Future<Void> writeEvent(SqlClient conn, Order order) {
    String eventId = UUID.randomUUID().toString();
    return conn.preparedQuery(OrderSql.INSERT_EVENT)
        .execute(Tuple.of(eventId, order.status().event().address(), order.event(eventId), order.traceparent()))
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
