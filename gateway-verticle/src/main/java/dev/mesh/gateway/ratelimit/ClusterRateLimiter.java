package dev.mesh.gateway.ratelimit;

import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.mesh.common.Cluster;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets (Bucket4j) whose state lives in the cluster's Hazelcast map {@value #MAP}, so every
 * gateway of the mesh draws from the same bucket. Compare-and-swap on plain byte arrays: no Bucket4j
 * code has to run on the other members (the services' JVMs own map partitions too). Entries idle for
 * the longest period of any limit are dropped (the bucket would be full again), so idle clients leave
 * nothing behind.
 */
public final class ClusterRateLimiter {

  static final String MAP = "mesh.rate-limits";

  /** The outcome of one request against its bucket. */
  public record Outcome(RateLimitSettings.Limit limit, boolean allowed, long remaining, long resetSeconds,
      long retryAfterSeconds) {
  }

  private static final Logger log = LoggerFactory.getLogger(ClusterRateLimiter.class);

  private final Vertx vertx;
  private final ProxyManager<String> buckets;
  private final Map<String, BucketConfiguration> configurations = new ConcurrentHashMap<>();

  public ClusterRateLimiter(Vertx vertx, RateLimitSettings settings) {
    this.vertx = vertx;
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
    this.buckets = Bucket4jHazelcast.<String>casBasedBuilder(hazelcast.getMap(MAP)).build();
  }

  /** Takes one token from {@code key}'s bucket of {@code limit}; the map is remote, so off the event loop. */
  public Future<Outcome> take(RateLimitSettings.Limit limit, String key) {
    BucketConfiguration configuration = configurations.computeIfAbsent(limit.name(), n -> BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()).build())
        .build());
    return vertx.executeBlocking(() -> {
      ConsumptionProbe probe = buckets.builder().build(limit.name() + "|" + key, () -> configuration)
          .tryConsumeAndReturnRemaining(1);
      return new Outcome(limit, probe.isConsumed(), probe.getRemainingTokens(), seconds(probe.getNanosToWaitForReset()),
          Math.max(1, seconds(probe.getNanosToWaitForRefill())));
    }, false);
  }

  private static long seconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
