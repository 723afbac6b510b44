package dev.mesh.gateway.ratelimit;

import dev.mesh.common.MeshConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limits per route class, read once at start: {@code GATEWAY_RATE_LIMITS} is a comma-separated list
 * of {@code class=capacity/seconds} (a bucket of {@code capacity} tokens, refilled at that many per that
 * many seconds). A route names its class in its registry record ({@code "limit"}); one that names none,
 * or one this table lacks, is {@code read} for GET and HEAD and {@code write} otherwise. {@code bridge}
 * limits registrations at the HTTP bridge.
 */
public record RateLimitSettings(boolean enabled, Map<String, Limit> limits, double tolerance) {

  public static final String ENABLED = "GATEWAY_RATE_LIMIT_ENABLED";
  public static final String LIMITS = "GATEWAY_RATE_LIMITS";
  public static final String DEFAULTS = "read=1200/60,write=300/60,bridge=30/60";
  /**
   * The share of a bucket's capacity each gateway may hand out before it settles with the shared map:
   * 0.01 lets a gateway answer a busy caller from its own copy of the bucket for up to 1 % of the capacity
   * (read=1200/60: 12 tokens), so the whole mesh admits at most capacity x (1 + tolerance x gateways).
   * A bucket whose share is under one token is always exact. 0 makes every limit exact.
   */
  public static final String TOLERANCE = "GATEWAY_RATE_LIMIT_TOLERANCE";
  public static final double DEFAULT_TOLERANCE = 0.01;

  public static final String READ = "read";
  public static final String WRITE = "write";
  public static final String BRIDGE = "bridge";

  /** One route class's bucket: {@code capacity} tokens, all refilled over {@code period}. */
  public record Limit(String name, long capacity, Duration period) {
  }

  /** The tokens of {@code limit} a gateway may hand out unsettled; 0: every token is taken in the shared map. */
  public long unsettledTokens(Limit limit) {
    return (long) Math.floor(limit.capacity() * tolerance);
  }

  public static RateLimitSettings from(MeshConfig config) {
    Map<String, Limit> limits = new LinkedHashMap<>(parse(DEFAULTS));
    limits.putAll(parse(config.get(LIMITS, DEFAULTS)));
    String tolerance = config.get(TOLERANCE, Double.toString(DEFAULT_TOLERANCE));
    return new RateLimitSettings(config.getBoolean(ENABLED, true), Map.copyOf(limits), share(tolerance));
  }

  private static double share(String text) {
    try {
      double share = Double.parseDouble(text.trim());
      if (share >= 0 && share < 1) {
        return share;
      }
    } catch (NumberFormatException notANumber) {
      // said below
    }
    throw new IllegalArgumentException(TOLERANCE + " is a share of the capacity from 0 to under 1, such as 0.01, not '"
        + text + "'");
  }

  /** The limit of a route class; the method's default class when the route names none or an unknown one. */
  public Limit of(String declared, String method) {
    Limit limit = declared == null ? null : limits.get(declared);
    if (limit != null) {
      return limit;
    }
    return limits.get("GET".equals(method) || "HEAD".equals(method) ? READ : WRITE);
  }

  static Map<String, Limit> parse(String text) {
    Map<String, Limit> limits = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      try {
        String[] nameAndRate = entry.trim().split("=");
        String[] rate = nameAndRate[1].split("/");
        long capacity = Long.parseLong(rate[0].trim());
        long seconds = Long.parseLong(rate[1].trim());
        if (capacity < 1 || seconds < 1) {
          throw new IllegalArgumentException();
        }
        limits.put(nameAndRate[0].trim(), new Limit(nameAndRate[0].trim(), capacity, Duration.ofSeconds(seconds)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(LIMITS + " takes class=capacity/seconds entries such as 'read=1200/60', not '"
            + entry + "'");
      }
    }
    return limits;
  }
}
