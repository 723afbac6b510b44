package dev.mesh.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The edge's local buckets, on a clock the test moves: refill, bound, sweep and overflow. */
class AddressBucketsTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = 5_000 * SECOND;

  @Test
  void aBucketGivesItsCapacityThenRefillsAtItsRate() {
    TokenBucket bucket = Rate.parse("X", "3/1").bucket(T0);
    assertTrue(bucket.tryTake(T0) && bucket.tryTake(T0) && bucket.tryTake(T0));
    assertFalse(bucket.tryTake(T0), "empty");
    assertEquals(1, bucket.secondsToNextToken(T0), "one token a third of a second later: Retry-After 1");
    assertTrue(bucket.tryTake(T0 + SECOND / 3 + 1), "a third of a second brings one back");
    assertFalse(bucket.tryTake(T0 + SECOND / 3 + 1));
    assertTrue(bucket.fullAt(T0 + 10 * SECOND), "never more than its capacity");
    assertTrue(bucket.tryTake(T0 + 10 * SECOND) && bucket.tryTake(T0 + 10 * SECOND) && bucket.tryTake(T0 + 10 * SECOND));
    assertFalse(bucket.tryTake(T0 + 10 * SECOND));

    TokenBucket slow = Rate.parse("X", "1/3600").bucket(T0);
    assertTrue(slow.tryTake(T0));
    assertEquals(3600, slow.secondsToNextToken(T0), "Retry-After: when the next token comes");
  }

  @Test
  void eachAddressHasItsOwnBucketAndTheMapIsBounded() {
    AddressBuckets buckets = new AddressBuckets(new Rate(2, Duration.ofSeconds(10)), 2, T0);
    assertTrue(buckets.of("a", T0).tryTake(T0));
    assertSame(buckets.of("a", T0), buckets.of("a", T0));
    assertTrue(buckets.of("b", T0).tryTake(T0));
    TokenBucket overflow = buckets.of("c", T0);
    assertEquals(2, buckets.size(), "full, and a and b are in use: c shares the overflow bucket");
    assertSame(overflow, buckets.of("d", T0 + 1), "every key that does not fit shares it");

    // ten seconds on, a and b are full again: the next new key sweeps them and gets its own bucket
    TokenBucket e = buckets.of("e", T0 + 10 * SECOND);
    assertEquals(1, buckets.size());
    assertSame(e, buckets.of("e", T0 + 10 * SECOND));
  }

  @Test
  void aRateIsCapacityOverSeconds() {
    assertEquals(new Rate(1000, Duration.ofSeconds(1)), Rate.parse("X", " 1000 / 1 "));
    for (String wrong : new String[] {"1000", "0/1", "10/0", "a/b", "1/2/3", "-1/5"}) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Rate.parse("GATEWAY_X", wrong));
      assertTrue(refused.getMessage().startsWith("GATEWAY_X takes capacity/seconds"), refused.getMessage());
    }
  }
}
