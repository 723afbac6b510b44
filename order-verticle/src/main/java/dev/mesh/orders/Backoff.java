package dev.mesh.orders;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a step waits before its next attempt: exponential from {@code minMs}, capped at
 * {@code maxMs}, with jitter (a random point in the upper half), so orders that failed together do not
 * come back together.
 */
record Backoff(long minMs, long maxMs) {

  Backoff {
    if (minMs < 1 || maxMs < minMs) {
      throw new IllegalArgumentException("retry delays must satisfy 1 <= min <= max, got " + minMs + ", " + maxMs);
    }
  }

  /** The delay after the {@code failures}-th failure in a row (1 = the first). */
  long delayMs(int failures) {
    long ceiling = minMs;
    for (int i = 1; i < failures && ceiling < maxMs; i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, maxMs);
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }
}
