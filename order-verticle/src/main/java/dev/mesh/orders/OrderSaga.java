package dev.mesh.orders;

import static dev.mesh.orders.Order.CANCELLED;
import static dev.mesh.orders.Order.CONFIRMED;
import static dev.mesh.orders.Order.PENDING;
import static dev.mesh.orders.Order.REJECTED;

import dev.mesh.common.MeshError;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order saga. Steps, each paired with its compensation:
 * <ol>
 *   <li>check the user ({@code mesh.users get}): unknown -> REJECTED;</li>
 *   <li>reserve every item at once ({@code mesh.inventory reserve}, keyed by the order id): short or
 *       unknown sku -> REJECTED; compensation: {@code release};</li>
 *   <li>CONFIRMED; the stock is committed ({@code commit}) once the cancellation window has passed.</li>
 * </ol>
 * A step whose service is unavailable (timeout, no instance, breaker open) ends the order CANCELLED with
 * the reason, after compensating. Every inventory call is idempotent by order id, so a sweep may re-drive
 * any step after a crash; every state change is guarded by the state it comes from.
 */
final class OrderSaga {

  private static final Logger log = LoggerFactory.getLogger(OrderSaga.class);

  static final String ASKED = "ASKED";
  static final String RESERVED = "RESERVED";
  static final String COMMITTING = "COMMITTING";
  static final String COMMITTED = "COMMITTED";
  static final String RELEASED = "RELEASED";

  private final OrderStore store;
  private final Downstream downstream;
  private final long cancelWindowMs;
  private final OrderMetrics metrics;
  private final Set<String> driving = ConcurrentHashMap.newKeySet();

  OrderSaga(OrderStore store, Downstream downstream, long cancelWindowMs, OrderMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
    this.downstream = downstream;
    this.cancelWindowMs = cancelWindowMs;
  }

  /** Drives a PENDING order to a final state. It does not fail: every outcome is a state of the order. */
  Future<Order> run(Order order) {
    if (!driving.add(order.id())) {
      return store.find(order.id()); // already driven by this instance
    }
    return checkUser(order)
        .recover(failure -> {
          log.warn("saga of order {} stopped early; the sweep will finish it", order.id(), failure);
          return store.find(order.id());
        })
        .eventually(() -> {
          driving.remove(order.id());
          return Future.succeededFuture();
        });
  }

  boolean isDriving(String orderId) {
    return driving.contains(orderId);
  }

  /** Finishes what a crash or an unavailable service left undone for this order. */
  Future<Order> resume(Order order) {
    if (PENDING.equals(order.status())) {
      return run(order);
    }
    boolean ended = REJECTED.equals(order.status()) || CANCELLED.equals(order.status());
    if (ended && (ASKED.equals(order.stockState()) || RESERVED.equals(order.stockState()))) {
      return release(order);
    }
    if (CONFIRMED.equals(order.status()) && COMMITTING.equals(order.stockState())) {
      return commit(order);
    }
    if (CONFIRMED.equals(order.status()) && RESERVED.equals(order.stockState())) {
      return store.setStockState(order.id(), List.of(RESERVED), COMMITTING)
          .compose(claimed -> claimed == null ? Future.succeededFuture(order) : commit(claimed));
    }
    return Future.succeededFuture(order);
  }

  /** A customer's cancel of a CONFIRMED order whose stock is not yet committed; null if too late. */
  Future<Order> cancelConfirmed(Order order) {
    return store.transition(order.id(), CANCELLED, "cancelled by the customer", RESERVED, List.of(CONFIRMED),
            List.of(RESERVED))
        .compose(cancelled -> cancelled == null ? Future.succeededFuture(null) : release(cancelled));
  }

  private Future<Order> checkUser(Order order) {
    return downstream.getUser(order.userId()).compose(
        user -> reserve(order),
        failure -> {
          MeshError error = MeshError.from(failure);
          if (error.status() == 404 || error.status() == 400) {
            return end(order, REJECTED, "unknown_user", "unknown user " + order.userId(), ASKED);
          }
          return end(order, CANCELLED, "users_unavailable", "the users service is unavailable: " + error.getMessage(),
              ASKED);
        });
  }

  private Future<Order> reserve(Order order) {
    // the order was stored with stock ASKED, so after a crash the sweep knows a reservation may exist
    return downstream.reserve(order.id(), order.items())
        .compose(
            reserved -> confirm(order),
            failure -> {
              MeshError error = MeshError.from(failure);
              if (error.status() >= 400 && error.status() < 500) {
                return end(order, REJECTED, "stock", error.getMessage(), ASKED);
              }
              return end(order, CANCELLED, "inventory_unavailable",
                  "the inventory service is unavailable: " + error.getMessage(), ASKED);
            });
  }

  private Future<Order> confirm(Order order) {
    boolean commitNow = cancelWindowMs <= 0;
    return store.transition(order.id(), CONFIRMED, null, commitNow ? COMMITTING : RESERVED, List.of(PENDING),
            List.of(ASKED, RESERVED))
        .compose(confirmed -> {
          if (confirmed == null) {
            return store.find(order.id()); // another instance finished it first
          }
          metrics.sagaEnded(confirmed, "ok");
          return commitNow ? commit(confirmed) : Future.succeededFuture(confirmed);
        });
  }

  /**
   * Ends a PENDING order; compensates by releasing whatever the reserve step may have reserved.
   * {@code why} is the reason's category for metrics, {@code reason} the words the customer reads.
   */
  private Future<Order> end(Order order, String status, String why, String reason, String stockState) {
    return store.transition(order.id(), status, reason, stockState, List.of(PENDING), List.of(stockState))
        .compose(ended -> {
          if (ended == null) {
            return store.find(order.id());
          }
          metrics.sagaEnded(ended, why);
          return ASKED.equals(stockState) ? release(ended) : Future.succeededFuture(ended);
        });
  }

  /** Best effort now; if inventory cannot be reached, the sweep retries until it can. */
  private Future<Order> release(Order order) {
    return downstream.release(order.id())
        .compose(released -> store.setStockState(order.id(), List.of(ASKED, RESERVED), RELEASED))
        .map(released -> order)
        .recover(failure -> {
          log.info("release of order {} deferred: {}", order.id(), failure.getMessage());
          return Future.succeededFuture(order);
        });
  }

  private Future<Order> commit(Order order) {
    return downstream.commit(order.id())
        .compose(committed -> store.setStockState(order.id(), List.of(COMMITTING), COMMITTED))
        .map(committed -> order)
        .recover(failure -> {
          log.info("commit of order {} deferred: {}", order.id(), failure.getMessage());
          return Future.succeededFuture(order);
        });
  }
}
