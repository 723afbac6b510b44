package dev.mesh.gateway.observe;

import dev.mesh.common.observe.MeshMetrics;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What happened per key (a service, a saga outcome) over the last few seconds, for the dashboard's
 * charts: one slot per second and key, each with a count, an error count and a latency histogram on the
 * mesh's latency buckets. Memory is fixed per key; keys are few (services, outcomes) and capped.
 * Thread-safe: the gateway records from its event loops and reads from a timer.
 */
public final class SlidingWindow {

  /** Keys beyond this many are not tracked: a bound even if a label ever leaks something unbounded. */
  static final int MAX_KEYS = 64;
  /** Upper bounds of the histogram's buckets, in nanoseconds; one more bucket above the last. */
  private static final long[] BOUNDS = Arrays.stream(MeshMetrics.LATENCY_BUCKETS)
      .mapToLong(Duration::toNanos).toArray();

  /** One key's figures over the window. {@code p99Ms} is NaN when nothing was measured. */
  public record Figures(long count, long errors, double perSecond, double errorRatio, double p99Ms) {
  }

  private final int seconds;
  private final LongSupplier clockMs;
  private final Map<String, Slot[]> slots = new TreeMap<>();

  public SlidingWindow(int seconds, LongSupplier clockMs) {
    if (seconds < 1) {
      throw new IllegalArgumentException("a window of at least one second");
    }
    this.seconds = seconds;
    this.clockMs = clockMs;
  }

  public int seconds() {
    return seconds;
  }

  /** Counts one event; {@code nanos} below zero when it has no duration. */
  public synchronized void record(String key, long nanos, boolean error) {
    Slot[] ring = slots.get(key);
    if (ring == null) {
      if (slots.size() >= MAX_KEYS) {
        return;
      }
      ring = new Slot[seconds];
      slots.put(key, ring);
    }
    long second = clockMs.getAsLong() / 1000;
    int index = (int) Math.floorMod(second, (long) seconds);
    Slot slot = ring[index];
    if (slot == null || slot.second != second) {
      slot = ring[index] = new Slot(second); // the second this slot held has left the window
    }
    slot.count++;
    if (error) {
      slot.errors++;
    }
    if (nanos >= 0) {
      slot.latencies[bucketOf(nanos)]++;
    }
  }

  /** Every key with something in the window, by name; keys whose window has emptied are forgotten. */
  public synchronized Map<String, Figures> figures() {
    long now = clockMs.getAsLong() / 1000;
    Map<String, Figures> result = new TreeMap<>();
    slots.entrySet().removeIf(entry -> {
      Figures figures = sum(entry.getValue(), now);
      if (figures.count() > 0) {
        result.put(entry.getKey(), figures);
      }
      return figures.count() == 0;
    });
    return result;
  }

  private Figures sum(Slot[] ring, long now) {
    long count = 0;
    long errors = 0;
    long[] latencies = new long[BOUNDS.length + 1];
    for (Slot slot : ring) {
      // the current second and the seconds - 1 before it
      if (slot == null || slot.second <= now - seconds || slot.second > now) {
        continue;
      }
      count += slot.count;
      errors += slot.errors;
      for (int i = 0; i < latencies.length; i++) {
        latencies[i] += slot.latencies[i];
      }
    }
    double errorRatio = count == 0 ? 0 : (double) errors / count;
    return new Figures(count, errors, (double) count / seconds, errorRatio, quantileMs(latencies, 0.99));
  }

  /**
   * The quantile from the histogram, interpolated within its bucket as Prometheus'
   * {@code histogram_quantile} does; in the open bucket above the last bound, that bound.
   */
  static double quantileMs(long[] buckets, double q) {
    long total = 0;
    for (long n : buckets) {
      total += n;
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    long below = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i] > 0 && below + buckets[i] >= rank) {
        if (i == BOUNDS.length) {
          return BOUNDS[i - 1] / 1e6;
        }
        long lower = i == 0 ? 0 : BOUNDS[i - 1];
        double fraction = (rank - below) / buckets[i];
        return (lower + fraction * (BOUNDS[i] - lower)) / 1e6;
      }
      below += buckets[i];
    }
    return BOUNDS[BOUNDS.length - 1] / 1e6;
  }

  private static int bucketOf(long nanos) {
    for (int i = 0; i < BOUNDS.length; i++) {
      if (nanos <= BOUNDS[i]) {
        return i;
      }
    }
    return BOUNDS.length;
  }

  private static final class Slot {
    final long second;
    long count;
    long errors;
    final long[] latencies = new long[BOUNDS.length + 1];

    Slot(long second) {
      this.second = second;
    }
  }
}
