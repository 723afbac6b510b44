package dev.mesh.gateway.ratelimit;

import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.mesh.common.Cluster;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets (Bucket4j) whose state lives in the cluster's Hazelcast map {@value #MAP}, so every
 * gateway of the mesh draws from the same bucket. Compare-and-swap on plain byte arrays: no Bucket4j
 * code has to run on the other members (the services' JVMs own map partitions too). Entries idle for
 * the longest period of any limit are dropped (the bucket would be full again), so idle clients leave
 * nothing behind.
 *
 * <p>Each key keeps one bucket proxy in this gateway (a bounded cache, idle entries dropped). A limit
 * whose tolerance ({@link RateLimitSettings#unsettledTokens}) is under one token is exact: Bucket4j's
 * batching takes every token in the shared map, and requests of one key that arrive while its
 * compare-and-swap is in flight go together in the next one. A larger limit uses Bucket4j's delaying:
 * the gateway answers from its own copy of the bucket and settles with the map once it has handed out
 * its tolerance or every {@link #SETTLE_EVERY}, so a busy caller costs a map round trip per dozen
 * requests rather than per request (the shared map is owned by whichever JVM holds its partition).
 * The Hazelcast compare-and-swap proxy has no asynchronous mode, hence the worker threads.
 */
public final class ClusterRateLimiter {

  static final String MAP = "mesh.rate-limits";

  /** The outcome of one request against its bucket. */
  public record Outcome(RateLimitSettings.Limit limit, boolean allowed, long remaining, long resetSeconds,
      long retryAfterSeconds) {
  }

  private static final Logger log = LoggerFactory.getLogger(ClusterRateLimiter.class);

  /** The longest a gateway's copy of a bucket goes unsettled, however few tokens it handed out. */
  static final Duration SETTLE_EVERY = Duration.ofMillis(100);

  private final Vertx vertx;
  private final ProxyManager<String> buckets;
  /** Per limit class, fixed at start: its bucket and how exact a gateway keeps it. */
  private final Map<String, Plan> plans;
  private final Map<String, Cached> proxies = new ConcurrentHashMap<>();
  private final long idleNanos;
  private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

  private record Plan(BucketConfiguration configuration, Optimization optimization) {
    static Plan of(RateLimitSettings.Limit limit, long unsettledTokens) {
      BucketConfiguration configuration = BucketConfiguration.builder()
          .addLimit(Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()).build())
          .build();
      return new Plan(configuration, unsettledTokens < 1 ? Optimizations.batching()
          : Optimizations.delaying(new DelayParameters(unsettledTokens, SETTLE_EVERY)));
    }
  }

  /** A key's proxy and when it last served; volatile write per use is cheaper than any map round trip. */
  private static final class Cached {
    final BucketProxy bucket;
    volatile long usedAt;

    Cached(BucketProxy bucket, long usedAt) {
      this.bucket = bucket;
      this.usedAt = usedAt;
    }
  }

  /** Keys whose proxy this gateway keeps; past that, a new key gets a proxy for one request only. */
  static final int MAX_CACHED_KEYS = 10_000;
  private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  public ClusterRateLimiter(Vertx vertx, RateLimitSettings settings) {
    this.vertx = vertx;
    this.plans = settings.limits().values().stream()
        .collect(Collectors.toUnmodifiableMap(RateLimitSettings.Limit::name, l -> Plan.of(l, settings.unsettledTokens(l))));
    HazelcastInstance hazelcast = Cluster.hazelcast(vertx);
    if (hazelcast == null) {
      throw new IllegalStateException("rate limits need the Hazelcast cluster (start the gateway clustered)");
    }
    // a bucket left alone for its longest period is full again: forgetting it then changes nothing
    long idleSeconds = settings.limits().values().stream().mapToLong(l -> l.period().toSeconds()).max().orElse(60);
    try {
      hazelcast.getConfig().addMapConfig(new MapConfig(MAP).setMaxIdleSeconds((int) Math.min(Integer.MAX_VALUE, idleSeconds)));
    } catch (InvalidConfigurationException anotherGatewayChoseOtherwise) {
      log.warn("rate-limit map keeps the idle time another gateway set: {}", anotherGatewayChoseOtherwise.getMessage());
    }
    this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
    this.buckets = Bucket4jHazelcast.<String>casBasedBuilder(hazelcast.getMap(MAP)).build();
  }

  /** Takes one token from {@code key}'s bucket of {@code limit}; the map is remote, so off the event loop. */
  public Future<Outcome> take(RateLimitSettings.Limit limit, String key) {
    Plan plan = plans.get(limit.name());
    return vertx.executeBlocking(() -> {
      ConsumptionProbe probe = bucket(limit.name() + "|" + key, plan).tryConsumeAndReturnRemaining(1);
      return new Outcome(limit, probe.isConsumed(), probe.getRemainingTokens(), seconds(probe.getNanosToWaitForReset()),
          Math.max(1, seconds(probe.getNanosToWaitForRefill())));
    }, false);
  }

  private BucketProxy bucket(String key, Plan plan) {
    long now = System.nanoTime();
    Cached cached = proxies.get(key);
    if (cached == null) {
      if (proxies.size() >= MAX_CACHED_KEYS) {
        // full: drop the idle ones, at most once a second so a flood of new keys does not sweep per request
        long last = lastSweep.get();
        if (now - last > SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
          proxies.values().removeIf(c -> now - c.usedAt > idleNanos);
        }
        if (proxies.size() >= MAX_CACHED_KEYS) {
          return newProxy(key, plan);
        }
      }
      cached = proxies.computeIfAbsent(key, k -> new Cached(newProxy(k, plan), now));
    }
    cached.usedAt = now;
    return cached.bucket;
  }

  private BucketProxy newProxy(String key, Plan plan) {
    return buckets.builder().withOptimization(plan.optimization()).build(key, plan::configuration);
  }

  private static long seconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
