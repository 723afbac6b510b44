package dev.mesh.orders;

import static dev.mesh.contracts.OrdersContract.Status.CANCELLED;
import static dev.mesh.contracts.OrdersContract.Status.CONFIRMED;
import static dev.mesh.contracts.OrdersContract.Status.PENDING;
import static dev.mesh.contracts.OrdersContract.Status.REJECTED;
import static dev.mesh.orders.OrderStates.Stock.ASKED;
import static dev.mesh.orders.OrderStates.Stock.COMMITTED;
import static dev.mesh.orders.OrderStates.Stock.COMMITTING;
import static dev.mesh.orders.OrderStates.Stock.RELEASED;
import static dev.mesh.orders.OrderStates.Stock.RESERVED;

import dev.mesh.common.MeshError;
import dev.mesh.common.contract.ActionContract;
import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives claimed orders through the steps declared in {@link SagaStep}, then CONFIRMED; a refusal ends
 * the order REJECTED, a customer's cancel CANCELLED, and both are compensated by the compensations the
 * steps declare. It knows no step, service or action by name: those are the declaration's.
 *
 * <p>A step whose service cannot answer (a 5xx) does not end the order: it is stored as waiting (its
 * step, the service, a retry time with backoff and jitter) and this driver lets go. The sweep
 * ({@link OrderRecovery}) takes it again when the retry is due, so waiting holds nothing in memory,
 * survives a crash and may be finished by any instance. Only when {@code giveUpMs} have passed since
 * its creation does a waiting order end CANCELLED. Compensations and commits that a service cannot take
 * are retried the same way, for as long as it takes.
 *
 * <p>Every write is guarded by the order's claim and its state (see {@link OrderSql}), so a driver that
 * lost the order (a customer cancel, a lease taken over after a long pause) changes nothing; every
 * compensation and commit is idempotent by order id, and so is every step that holds something for the
 * order (the declaration's contract), so re-driving any step is safe.
 */
final class OrderSaga {

  private static final Logger log = LoggerFactory.getLogger(OrderSaga.class);
  static final String CANCELLED_BY_CUSTOMER = "cancelled by the customer";

  /** How long things take: a driver's lease, the cancellation window, the give-up time, the retry delays. */
  record Timing(long leaseMs, long cancelWindowMs, long giveUpMs, Backoff backoff) {
  }

  private final OrderStore store;
  private final Downstream downstream;
  private final Timing timing;
  private final LongConsumer retryIn;
  private final SagaOutcomes outcomes;
  private final Map<String, Promise<Order>> watchers = new ConcurrentHashMap<>();

  /** {@code retryIn} hears of every retry scheduled, so the sweep can come back in time for it. */
  OrderSaga(OrderStore store, Downstream downstream, Timing timing, LongConsumer retryIn, SagaOutcomes outcomes) {
    this.store = store;
    this.downstream = downstream;
    this.timing = timing;
    this.retryIn = retryIn;
    this.outcomes = outcomes;
  }

  /**
   * Takes a claimed order as far as it can go now: the saga of a PENDING order, the release owed by an
   * ended one, the commit of a confirmed one. It does not fail: every outcome is a state of the order
   * (a failure of our own database leaves the claim to lapse, and the sweep to try again).
   */
  Future<Order> drive(Order order) {
    Future<Order> driven;
    if (order.status() == PENDING) {
      driven = step(order, order.step());
    } else if (order.status().ended() && order.stock().owedBack()) {
      driven = release(order);
    } else if (order.status() == CONFIRMED && order.stock() == COMMITTING) {
      driven = commit(order);
    } else {
      driven = Future.succeededFuture(order);
    }
    return driven
        .recover(failure -> {
          log.warn("order {}: saga stopped by {}; its claim will lapse and the sweep resume it", order.id(),
              failure.toString());
          return Future.succeededFuture(order);
        })
        .onSuccess(this::announceIfFinal);
  }

  /** Completes when this instance brings the order to a final state; {@link #unwatch} when no longer needed. */
  Future<Order> watch(String orderId) {
    return watchers.computeIfAbsent(orderId, id -> Promise.promise()).future();
  }

  void unwatch(String orderId) {
    watchers.remove(orderId);
  }

  /**
   * A customer's cancel: a PENDING order (even one waiting for a service) or a CONFIRMED one within its
   * window ends CANCELLED and its stock is released; a reserve that lands later is refused by inventory
   * (a released order cannot reserve again). Null when the order cannot be cancelled (any more).
   */
  Future<Order> cancelByCustomer(String orderId) {
    return store.cancel(orderId, CANCELLED_BY_CUSTOMER, timing.leaseMs(), timing.cancelWindowMs())
        .compose(cancelled -> {
          if (cancelled == null) {
            return Future.succeededFuture((Order) null);
          }
          outcomes.sagaEnded(cancelled, "customer");
          return drive(cancelled);
        });
  }

  private Future<Order> step(Order order, SagaStep step) {
    return downstream.call(step.action(), step.request(order), order.userId()).compose(
        answered -> step.next() == null ? confirm(order) : step(order, step.next()),
        failure -> {
          MeshError error = MeshError.from(failure);
          if (SagaStep.isRefusal(error)) {
            return end(order, REJECTED, step.refusalCategory(), step.refusal(order, error));
          }
          return waitFor(order, step, failure, error);
        });
  }

  private Future<Order> waitFor(Order order, SagaStep step, Throwable failure, MeshError error) {
    int failures = order.step() == step ? order.attempts() + 1 : 1;
    long delay = retryDelay(step.service(), failures, failure);
    return store.waitFor(order, step, delay, timing.giveUpMs()).compose(waiting -> {
      if (waiting == null) { // its give-up time has passed (or its claim went elsewhere: then this changes nothing)
        return end(order, CANCELLED, step.service() + "_unavailable",
            "the " + step.service() + " service is unavailable: " + error.getMessage()
            + " (gave up after " + timing.giveUpMs() + " ms)");
      }
      if (failures == 1) {
        log.info("order {} waits for {}: {}", order.id(), step.service(), error.getMessage());
      }
      retryIn.accept(delay);
      return Future.succeededFuture(waiting);
    });
  }

  private Future<Order> confirm(Order order) {
    boolean commitNow = timing.cancelWindowMs() <= 0;
    Future<Order> confirmed = commitNow
        ? store.confirm(order, COMMITTING, order.claim(), timing.leaseMs())
        : store.confirm(order, RESERVED, null, timing.cancelWindowMs());
    return confirmed.compose(done -> {
      if (done == null) {
        return store.find(order.id()); // cancelled meanwhile: the cancel releases
      }
      outcomes.sagaEnded(done, "ok");
      return commitNow ? commit(done) : Future.succeededFuture(done);
    });
  }

  /**
   * Ends a PENDING order; compensates whatever its steps may have done.
   * {@code why} is the reason's category for metrics, {@code reason} the words the customer reads.
   */
  private Future<Order> end(Order order, Status status, String why, String reason) {
    return store.end(order, status, reason, timing.leaseMs()).compose(ended -> {
      if (ended == null) {
        return store.find(order.id());
      }
      outcomes.sagaEnded(ended, why);
      return release(ended);
    });
  }

  private Future<Order> release(Order order) {
    return settle(order, SagaStep.COMPENSATIONS, List.of(ASKED, RESERVED), RELEASED);
  }

  private Future<Order> commit(Order order) {
    return settle(order, SagaStep.COMMITS, List.of(COMMITTING), COMMITTED);
  }

  /**
   * Calls {@code actions} in turn, then records the stock settled. The first that fails defers the
   * whole settlement: the retry calls them all again, which is safe as each is idempotent by order id.
   */
  private Future<Order> settle(Order order, List<ActionContract> actions, List<Stock> from, Stock to) {
    if (actions.isEmpty()) {
      return store.settleStock(order, from, to).map(done -> done == null ? order : done);
    }
    ActionContract action = actions.get(0);
    return downstream.call(action, SagaStep.orderOnly(order), order.userId()).compose(
        done -> settle(order, actions.subList(1, actions.size()), from, to),
        failure -> later(order, action, failure));
  }

  /** A compensation or commit that must wait for its service; retried until it goes through. */
  private Future<Order> later(Order order, ActionContract action, Throwable failure) {
    long delay = retryDelay(action.service(), order.attempts() + 1, failure);
    log.info("{} of order {} deferred {} ms: {}", action.action(), order.id(), delay,
        MeshError.from(failure).getMessage());
    return store.stockLater(order, action.service(), delay).map(waiting -> {
      retryIn.accept(delay);
      return waiting == null ? order : waiting;
    });
  }

  /**
   * The backoff for this many failures in a row. A call refused by a breaker that is no longer open
   * (it lost the half-open trial to another order) comes back at once rather than after a long wait;
   * one refused by an open breaker waits, and the sweep holds it back until the breaker's reset.
   */
  private long retryDelay(String service, int failures, Throwable failure) {
    if (failure instanceof OpenCircuitException && !downstream.breakerOpen(service)) {
      return timing.backoff().delayMs(1);
    }
    return timing.backoff().delayMs(failures);
  }

  private void announceIfFinal(Order order) {
    if (order.isFinal()) {
      Promise<Order> watcher = watchers.get(order.id());
      if (watcher != null) {
        watcher.tryComplete(order);
      }
    }
  }
}
