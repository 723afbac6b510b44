package dev.mesh.common.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * The one bounded wait of the test suites: probe until the answer is the one wanted or the bound has
 * passed, then fail with the last answer seen. A probe that throws an exception counts as "not yet";
 * one that throws an {@link Error} (an {@link AssertionError}: what it waits for can no longer come)
 * ends the wait at once.
 */
public final class Eventually {

  private static final long POLL_MS = 100;

  private Eventually() {
  }

  /** The first answer of {@code probe} that {@code done} accepts, within {@code bound}. */
  public static <T> T await(Duration bound, String what, Callable<T> probe, Predicate<? super T> done) {
    long deadline = System.nanoTime() + bound.toNanos();
    Object last = "no answer yet";
    while (true) {
      try {
        T answer = probe.call();
        if (done.test(answer)) {
          return answer;
        }
        last = answer;
      } catch (Exception notYet) {
        last = notYet;
      }
      if (System.nanoTime() >= deadline) {
        throw new AssertionError(what + ": not reached within " + bound + "; last: " + describe(last));
      }
      sleep();
    }
  }

  /** Until {@code condition} holds, within {@code bound}. */
  public static void await(Duration bound, String what, Callable<Boolean> condition) {
    await(bound, what, condition, Boolean.TRUE::equals);
  }

  private static String describe(Object last) {
    if (last instanceof java.net.http.HttpResponse<?> response) {
      return response.statusCode() + " " + response.body();
    }
    return String.valueOf(last);
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
