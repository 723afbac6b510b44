package dev.mesh.orders;

import io.vertx.core.Vertx;

/**
 * The time the sweep's wake-ups are set by: Vert.x timers in production; the fast tests move it by hand,
 * so that retries, leases and deadlines fall due without waiting for them.
 */
interface SagaClock {

  long nowMs();

  /** Runs {@code action} in {@code delayMs}; the id cancels it. */
  long setTimer(long delayMs, Runnable action);

  void cancelTimer(long id);

  static SagaClock of(Vertx vertx) {
    return new SagaClock() {
      @Override
      public long nowMs() {
        return System.currentTimeMillis();
      }

      @Override
      public long setTimer(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, id -> action.run());
      }

      @Override
      public void cancelTimer(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
