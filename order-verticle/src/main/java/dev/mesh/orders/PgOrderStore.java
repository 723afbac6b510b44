package dev.mesh.orders;

import dev.mesh.common.MeshError;
import dev.mesh.common.observe.MeshTracing;
import dev.mesh.db.PgErrors;
import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import io.vertx.core.Future;
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
 * Every saga write is guarded by the order's claim in its statement (see {@link OrderSql}), which is
 * what lets several instances share one database.
 */
final class PgOrderStore implements OrderStore {

  private final Pool pool;
  private final Runnable outboxWritten;

  /** {@code outboxWritten} hears of every committed event, so the relay can publish it at once. */
  PgOrderStore(Pool pool, Runnable outboxWritten) {
    this.pool = pool;
    this.outboxWritten = outboxWritten;
  }

  @Override
  public Future<Created> create(OrderValidation.NewOrder request, long leaseMs) {
    String id = UUID.randomUUID().toString();
    Tuple params = Tuple.of(id, request.userId(), request.items(), request.idempotencyKey(), request.hash(),
        OrderStore.newClaim(), leaseMs, MeshTracing.sampledTraceparent());
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

  @Override
  public Future<Order> find(String id) {
    return pool.preparedQuery(OrderSql.FIND).execute(Tuple.of(id)).map(PgOrderStore::single);
  }

  private Future<Order> findByKey(String key) {
    return pool.preparedQuery(OrderSql.FIND_BY_KEY).execute(Tuple.of(key)).map(PgOrderStore::single);
  }

  @Override
  public Future<List<Order>> list(String userId, long afterSeq, int limit) {
    Future<RowSet<Row>> rows = userId == null
        ? pool.preparedQuery(OrderSql.LIST).execute(Tuple.of(afterSeq, limit))
        : pool.preparedQuery(OrderSql.LIST_BY_USER).execute(Tuple.of(userId, afterSeq, limit));
    return rows.map(PgOrderStore::all);
  }

  @Override
  public Future<List<Order>> claimDue(String claim, long leaseMs, int limit, List<String> openServices, long giveUpMs) {
    return pool.preparedQuery(OrderSql.CLAIM_DUE)
        .execute(Tuple.of(claim, leaseMs, limit, openServices.toArray(String[]::new), giveUpMs))
        .map(PgOrderStore::all);
  }

  @Override
  public Future<Order> confirm(Order order, Stock stock, String nextClaim, long nextMs) {
    return withEvent(OrderSql.CONFIRM, Tuple.of(order.id(), order.claim(), stock.name(), nextClaim, nextMs));
  }

  @Override
  public Future<Order> end(Order order, Status status, String reason, long leaseMs) {
    return withEvent(OrderSql.END, Tuple.of(order.id(), order.claim(), status.name(), reason, leaseMs));
  }

  @Override
  public Future<Order> waitFor(Order order, SagaStep step, long delayMs, long giveUpMs) {
    return pool.preparedQuery(OrderSql.WAIT)
        .execute(Tuple.of(order.id(), order.claim(), step.name(), step.service(), delayMs, giveUpMs))
        .map(PgOrderStore::single);
  }

  @Override
  public Future<Order> stockLater(Order order, String service, long delayMs) {
    return pool.preparedQuery(OrderSql.STOCK_LATER)
        .execute(Tuple.of(order.id(), order.claim(), delayMs, service))
        .map(PgOrderStore::single);
  }

  @Override
  public Future<Order> settleStock(Order order, List<Stock> from, Stock to) {
    String[] fromNames = from.stream().map(Stock::name).toArray(String[]::new);
    return pool.preparedQuery(OrderSql.SETTLE_STOCK)
        .execute(Tuple.of(order.id(), order.claim(), fromNames, to.name()))
        .map(PgOrderStore::single);
  }

  @Override
  public Future<Order> cancel(String id, String reason, long leaseMs, long cancelWindowMs) {
    return withEvent(OrderSql.CANCEL, Tuple.of(id, OrderStore.newClaim(), reason, leaseMs, cancelWindowMs));
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
}
