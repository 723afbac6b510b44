package dev.mesh.orders;

import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes what sagas left undone: at start (orders a crash left PENDING, stock reserved by an order
 * that ended), then periodically (releases and commits deferred while inventory was unreachable,
 * commits whose cancellation window passed). Orders this instance is driving right now are skipped.
 */
final class OrderRecovery {

  private static final Logger log = LoggerFactory.getLogger(OrderRecovery.class);

  private final OrderStore store;
  private final OrderSaga saga;
  private final long staleMs;
  private final long cancelWindowMs;
  private boolean sweeping;

  OrderRecovery(OrderStore store, OrderSaga saga, long staleMs, long cancelWindowMs) {
    this.store = store;
    this.saga = saga;
    this.staleMs = staleMs;
    this.cancelWindowMs = cancelWindowMs;
  }

  /** One pass; a pass still running when the next is due is not doubled. */
  Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    return store.unfinished(staleMs, cancelWindowMs)
        .compose(orders -> {
          List<Future<Order>> resumed = orders.stream()
              .filter(order -> !saga.isDriving(order.id()))
              .map(order -> {
                log.info("resuming order {} ({}, stock {})", order.id(), order.status(), order.stockState());
                return saga.resume(order);
              })
              .toList();
          return Future.join(resumed).map(resumed.size());
        })
        .onFailure(e -> log.warn("recovery sweep failed, will retry: {}", e.getMessage()))
        .eventually(() -> {
          sweeping = false;
          return Future.succeededFuture();
        });
  }
}
