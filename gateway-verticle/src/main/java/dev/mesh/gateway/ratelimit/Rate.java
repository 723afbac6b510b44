package dev.mesh.gateway.ratelimit;

import java.time.Duration;

/**
 * A token bucket's shape in the settings' one notation, {@code capacity/seconds}: a bucket of
 * {@code capacity} tokens, refilled at that many per that many seconds ({@code 1000/1}: bursts of 1,000,
 * 1,000 a second after that). The same notation as {@link RateLimitSettings#LIMITS}.
 */
public record Rate(long capacity, Duration period) {

  public Rate {
    if (capacity < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a rate needs a capacity and a period of at least 1");
    }
  }

  /** {@code text} as {@code capacity/seconds}; {@code setting} names the setting in the error. */
  public static Rate parse(String setting, String text) {
    try {
      String[] parts = text.trim().split("/");
      if (parts.length == 2) {
        return new Rate(Long.parseLong(parts[0].trim()), Duration.ofSeconds(Long.parseLong(parts[1].trim())));
      }
    } catch (RuntimeException notARate) {
      // said below
    }
    throw new IllegalArgumentException(setting + " takes capacity/seconds, such as '1000/1', not '" + text + "'");
  }

  /** A new, full bucket of this shape. */
  public TokenBucket bucket(long nowNanos) {
    return new TokenBucket(this, nowNanos);
  }

  @Override
  public String toString() {
    return capacity + "/" + period.toSeconds();
  }
}
