package dev.mesh.orders;

import dev.mesh.common.Breakers;
import dev.mesh.common.ServiceClient;
import dev.mesh.common.identity.Identities;
import dev.mesh.contracts.OrdersContract;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * The parts of one order-service instance, made and wired in this one place: {@link OrderVerticle} and
 * the PostgreSQL-backed tests call {@link #onPostgres}; the fast tests call {@link #wire} with a store
 * in memory, a scripted downstream and a clock they move by hand.
 */
record OrderService(OrderStore store, Downstream downstream, OrderSaga saga, OrderRecovery recovery,
    OrderHandlers handlers) {

  /**
   * How an instance behaves: the saga's timing, each downstream call's deadline, how long create waits
   * for a final state before it answers 202, and the breakers' thresholds.
   */
  record Settings(OrderSaga.Timing timing, long callTimeoutMs, long replyWithinMs, int breakerMaxFailures,
      long breakerResetMs) {
  }

  /**
   * Orders in PostgreSQL ({@code outboxWritten} hears of every event written, for the relay), calls
   * through the mesh's client with one breaker per service, retries on Vert.x timers.
   */
  static OrderService onPostgres(Vertx vertx, Identities identities, Pool pool, Runnable outboxWritten,
      SagaOutcomes outcomes, Settings settings) {
    Breakers breakers = new Breakers(vertx, OrdersContract.SERVICE, settings.breakerMaxFailures(),
        settings.breakerResetMs());
    Downstream downstream = new MeshDownstream(new ServiceClient(vertx, identities, OrdersContract.SERVICE, breakers,
        settings.callTimeoutMs()), breakers);
    return wire(vertx, new PgOrderStore(pool, outboxWritten), downstream, settings.timing(), settings.replyWithinMs(),
        SagaClock.of(vertx), outcomes);
  }

  /** Any store, downstream and clock: the saga, its sweep and the handlers around them. */
  static OrderService wire(Vertx vertx, OrderStore store, Downstream downstream, OrderSaga.Timing timing,
      long replyWithinMs, SagaClock clock, SagaOutcomes outcomes) {
    OrderRecovery recovery = new OrderRecovery(vertx, store, downstream, timing, clock,
        retryIn -> new OrderSaga(store, downstream, timing, retryIn, outcomes));
    OrderHandlers handlers = new OrderHandlers(vertx, store, recovery.saga(), timing.leaseMs(), replyWithinMs);
    return new OrderService(store, downstream, recovery.saga(), recovery, handlers);
  }
}
