package dev.mesh.orders;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(100, 1_000);

  @Test
  void eachDelayLiesInTheUpperHalfOfACeilingThatDoublesPerFailureUpToTheCap() {
    long[] ceilings = {100, 200, 400, 800, 1_000, 1_000, 1_000};
    for (int failures = 1; failures <= ceilings.length; failures++) {
      for (int draw = 0; draw < 200; draw++) {
        long delay = backoff.delayMs(failures);
        long ceiling = ceilings[failures - 1];
        assertTrue(delay >= ceiling / 2 && delay <= ceiling, failures + " failures: " + delay);
      }
    }
    assertTrue(backoff.delayMs(Integer.MAX_VALUE) <= 1_000, "no overflow however long it waits");
  }

  @Test
  void delaysDifferSoThatOrdersThatFailedTogetherComeBackApart() {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int draw = 0; draw < 50; draw++) {
      seen.add(backoff.delayMs(4));
    }
    assertTrue(seen.size() > 10, "jitter: " + seen);
  }

  @Test
  void nonsenseBoundsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 10));
  }
}
