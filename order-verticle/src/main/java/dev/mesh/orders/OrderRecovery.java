package dev.mesh.orders;

import dev.mesh.common.observe.TimerTraces;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep: takes the orders that are due from the database and drives them. Due are waiting orders
 * whose retry time came, orders whose driver died (its lease passed), ended orders whose release was
 * deferred, and confirmed orders whose cancellation window passed (their commit). Several instances
 * may sweep one database: {@link OrderStore#claimDue} hands each due order to one of them.
 *
 * <p>It runs every {@code ORDERS_SWEEP_INTERVAL_MS}, at start, and when a retry falls due sooner
 * ({@link #wakeIn}, one timer on the {@link SagaClock} for the whole instance, never one per order). A
 * pass that takes orders is a trace of its own ({@code orders sweep}), linked to the traces that created
 * those orders.
 */
final class OrderRecovery {

  private static final Logger log = LoggerFactory.getLogger(OrderRecovery.class);
  static final int BATCH = 100;
  /** The database decides what is due; coming back a little late makes sure it is. */
  private static final long WAKE_SLACK_MS = 20;

  private final OrderStore store;
  private final Downstream downstream;
  private final OrderSaga.Timing timing;
  private final SagaClock clock;
  private final TimerTraces traces;
  private final OrderSaga saga;
  private boolean sweeping;
  private volatile boolean stopped;
  private long wakeTimer = -1;
  private long wakeAt = Long.MAX_VALUE;

  /**
   * The sweep and the saga it drives are made together, because each needs the other: the sweep drives
   * the saga's orders, and the saga tells the sweep when a retry falls due. {@code saga} makes the saga
   * from the sweep's {@link #wakeIn}.
   */
  OrderRecovery(Vertx vertx, OrderStore store, Downstream downstream, OrderSaga.Timing timing, SagaClock clock,
      Function<LongConsumer, OrderSaga> saga) {
    this.store = store;
    this.downstream = downstream;
    this.timing = timing;
    this.clock = clock;
    this.traces = new TimerTraces(vertx, "dev.mesh.orders");
    this.saga = saga.apply(this::wakeIn);
  }

  /** The saga this sweep drives, for the handlers that start and cancel orders. */
  OrderSaga saga() {
    return saga;
  }

  /** One pass; a pass still running when the next is due is not doubled. A full batch sweeps again. */
  Future<Integer> sweep() {
    if (sweeping || stopped) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    List<String> open = downstream.openServices();
    return traces.detached(() -> store.claimDue(OrderStore.newClaim(), timing.leaseMs(), BATCH, open, timing.giveUpMs())
        .compose(orders -> {
          if (orders.isEmpty()) {
            return Future.succeededFuture(0);
          }
          log.debug("sweep took {} due orders (breakers open: {})", orders.size(), open);
          Span span = traces.start("orders sweep", orders.stream().map(Order::traceparent).toList());
          List<Future<Order>> driven = orders.stream().map(saga::drive).toList();
          return Future.join(driven).map(orders.size()).onComplete(done -> span.end());
        }))
        .onFailure(e -> log.warn("recovery sweep failed, will retry: {}", e.getMessage()))
        .eventually(() -> {
          sweeping = false;
          return Future.succeededFuture();
        })
        .onSuccess(taken -> {
          if (taken == BATCH) {
            sweep();
          }
        });
  }

  /** Sweeps again in {@code delayMs}, unless a pass is already set for sooner. */
  void wakeIn(long delayMs) {
    long at = clock.nowMs() + delayMs + WAKE_SLACK_MS;
    if (stopped || wakeTimer != -1 && wakeAt <= at) {
      return;
    }
    if (wakeTimer != -1) {
      clock.cancelTimer(wakeTimer);
    }
    wakeAt = at;
    wakeTimer = clock.setTimer(delayMs + WAKE_SLACK_MS, () -> {
      wakeTimer = -1;
      wakeAt = Long.MAX_VALUE;
      sweep();
    });
  }

  /** No more passes: the instance is stopping (its claims lapse and other instances take over). */
  void stop() {
    stopped = true;
    if (wakeTimer != -1) {
      clock.cancelTimer(wakeTimer);
    }
  }
}
