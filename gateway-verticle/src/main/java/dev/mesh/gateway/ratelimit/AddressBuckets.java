package dev.mesh.gateway.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TokenBucket} per key (a client address) in this gateway's memory, at most {@code maxKeys} of
 * them. A take is a map read and a bucket's arithmetic: O(1), and it allocates only for a key it has
 * not seen. When the map is full, the buckets that are full again are dropped (nothing is lost: a new
 * bucket starts full), at most once a second so that a flood of new keys does not sweep per request.
 * If every bucket is still in use, the keys that do not fit share one overflow bucket: a flood from more
 * addresses than the map holds is then limited as a whole, and memory stays bounded.
 */
public final class AddressBuckets {

  private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Rate rate;
  private final int maxKeys;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final TokenBucket overflow;
  private final AtomicLong lastSweep;

  public AddressBuckets(Rate rate, int maxKeys, long nowNanos) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("at least one key, got " + maxKeys);
    }
    this.rate = rate;
    this.maxKeys = maxKeys;
    this.overflow = rate.bucket(nowNanos);
    this.lastSweep = new AtomicLong(nowNanos - SWEEP_EVERY_NANOS);
  }

  /** The bucket of {@code key}, made full when new. */
  public TokenBucket of(String key, long nowNanos) {
    TokenBucket bucket = buckets.get(key);
    if (bucket != null) {
      return bucket;
    }
    if (buckets.size() >= maxKeys) {
      sweep(nowNanos);
      if (buckets.size() >= maxKeys) {
        return overflow;
      }
    }
    return buckets.computeIfAbsent(key, k -> rate.bucket(nowNanos));
  }

  public Rate rate() {
    return rate;
  }

  /** Keys with a bucket of their own right now. */
  public int size() {
    return buckets.size();
  }

  private void sweep(long nowNanos) {
    long last = lastSweep.get();
    if (nowNanos - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, nowNanos)) {
      buckets.values().removeIf(bucket -> bucket.fullAt(nowNanos));
    }
  }
}
