package dev.mesh.gateway.ratelimit;

/**
 * One token bucket in this JVM's memory, refilled lazily from the clock it is handed: a few arithmetic
 * operations under an uncontended lock per take, no allocation, no timer, no I/O. For limits that need
 * not agree across gateways (the edge's shield per client address, a browser socket's messages); limits
 * the whole mesh shares are {@link ClusterRateLimiter}'s.
 */
public final class TokenBucket {

  private final long capacity;
  /** Tokens come back at {@code capacity} per {@code periodNanos}; kept as nanos per token. */
  private final double nanosPerToken;
  private double tokens;
  private long refilledAt;

  TokenBucket(Rate rate, long nowNanos) {
    this.capacity = rate.capacity();
    this.nanosPerToken = (double) rate.period().toNanos() / rate.capacity();
    this.tokens = capacity;
    this.refilledAt = nowNanos;
  }

  /** Takes one token if there is one; {@code nowNanos} from {@link System#nanoTime()}. */
  public synchronized boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Whole seconds until the next token, at least 1: a 429's {@code Retry-After}. */
  public synchronized long secondsToNextToken(long nowNanos) {
    refill(nowNanos);
    double missing = Math.max(0, 1 - tokens);
    return Math.max(1, (long) Math.ceil(missing * nanosPerToken / 1e9));
  }

  /** Full again at {@code nowNanos}: forgetting this bucket then changes nothing. */
  public synchronized boolean fullAt(long nowNanos) {
    refill(nowNanos);
    return tokens >= capacity;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed / nanosPerToken);
      refilledAt = nowNanos;
    }
  }
}
