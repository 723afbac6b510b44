package dev.mesh.gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's window, on a clock the test moves: rates, error ratios, p99 and what leaves the window. */
class SlidingWindowTest {

  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final SlidingWindow window = new SlidingWindow(10, now::get);

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void countsPerKeyGiveRateAndErrorRatio() {
    for (int i = 0; i < 30; i++) {
      window.record("users", ms(3), i % 10 == 0); // 3 of 30 failed
      now.addAndGet(100);
    }
    window.record("inventory", ms(3), false);

    Map<String, SlidingWindow.Figures> figures = window.figures();

    assertEquals(Map.of("users", 30L, "inventory", 1L),
        Map.of("users", figures.get("users").count(), "inventory", figures.get("inventory").count()));
    assertEquals(3.0, figures.get("users").perSecond(), 1e-9); // 30 over a 10 s window
    assertEquals(0.1, figures.get("users").errorRatio(), 1e-9);
    assertEquals(0.0, figures.get("inventory").errorRatio(), 1e-9);
  }

  @Test
  void p99FollowsTheSlowestPercent() {
    for (int i = 0; i < 99; i++) {
      window.record("orders", ms(2), false); // the 5 ms bucket
    }
    window.record("orders", ms(700), false); // the 1 s bucket
    double p99 = window.figures().get("orders").p99Ms();
    assertTrue(p99 > 0 && p99 <= 5, "99 of 100 answered within 5 ms: " + p99);

    for (int i = 0; i < 5; i++) {
      window.record("orders", ms(700), false);
    }
    p99 = window.figures().get("orders").p99Ms();
    assertTrue(p99 > 500 && p99 <= 1000, "6 of 105 took 700 ms: " + p99);
  }

  @Test
  void whatIsOlderThanTheWindowLeavesIt() {
    window.record("users", ms(1), true);
    now.addAndGet(5_000);
    window.record("users", ms(1), false);
    assertEquals(2, window.figures().get("users").count());

    now.addAndGet(5_000); // the first second is now 10 s old: out
    SlidingWindow.Figures figures = window.figures().get("users");
    assertEquals(1, figures.count());
    assertEquals(0, figures.errors());

    now.addAndGet(5_000); // nothing left: the key is forgotten
    assertFalse(window.figures().containsKey("users"));
  }

  @Test
  void aSlotIsReusedOnlyForItsOwnSecond() {
    window.record("users", ms(1), false);
    now.addAndGet(10_000); // same slot of the ring, ten seconds later
    window.record("users", ms(1), false);
    assertEquals(1, window.figures().get("users").count());
  }

  @Test
  void countsWithoutDurationHaveNoP99() {
    window.record("confirmed", -1, false);
    SlidingWindow.Figures figures = window.figures().get("confirmed");
    assertEquals(1, figures.count());
    assertTrue(Double.isNaN(figures.p99Ms()));
  }

  @Test
  void keysAreCapped() {
    for (int i = 0; i < SlidingWindow.MAX_KEYS + 10; i++) {
      window.record("service-" + i, ms(1), false);
    }
    assertEquals(SlidingWindow.MAX_KEYS, window.figures().size());
  }
}
