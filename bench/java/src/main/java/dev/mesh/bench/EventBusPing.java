package dev.mesh.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking side of the event-bus benchmark: keeps {@code window} requests in flight to the pong
 * node for a fixed time, records every round trip, and appends messages/s, p50 and p99 of each round
 * to the results file. A warm-up round (not recorded) lets both JVMs compile the hot path first.
 */
final class EventBusPing {

  private static final Logger log = LoggerFactory.getLogger(EventBusPing.class);

  private final Vertx vertx;
  private final int window;
  private final DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(10_000).addHeader("action", "ping");

  private EventBusPing(Vertx vertx, int window) {
    this.vertx = vertx;
    this.window = window;
  }

  static void run(Args args) {
    int status = 0;
    try {
      Vertx vertx = ConstantService.await(Clustered.join(args.required("cluster"), args.getInt("clusterPort", 5701)));
      EventBusPing ping = new EventBusPing(vertx, args.getInt("window", 32));
      ping.waitForPong();
      ConstantService.await(ping.round(args.getInt("warmupSeconds", 5) * 1_000_000_000L));
      Path out = Path.of(args.required("out"));
      int rounds = args.getInt("rounds", 3);
      for (int i = 1; i <= rounds; i++) {
        RoundResult result = ConstantService.await(ping.round(args.getInt("seconds", 5) * 1_000_000_000L));
        log.info("round {}: {} msgs/s, p50 {} ms, p99 {} ms, {} errors", i, Math.round(result.perSecond()),
            result.percentileMs(50), result.percentileMs(99), result.errors());
        String peer = args.get("peer", "request-reply");
        String rep = Integer.toString(args.getInt("repOffset", 0) + i);
        Files.writeString(out, String.format(Locale.ROOT, "eventbus\t%s\t%s\tmsgs_per_s\t%.0f%n"
                + "eventbus\t%s\t%s\tp50_ms\t%.3f%neventbus\t%s\t%s\tp99_ms\t%.3f%n",
            peer, rep, result.perSecond(), peer, rep, result.percentileMs(50), peer, rep, result.percentileMs(99)),
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (result.errors() > 0) {
          status = 2;
        }
      }
      ConstantService.await(vertx.close());
    } catch (Exception e) {
      log.error("ping failed", e);
      status = 1;
    }
    System.exit(status);
  }

  /** The pong node's subscription travels through the cluster; ask until it answers (60 s at most). */
  private void waitForPong() throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        ConstantService.await(vertx.eventBus().request(EventBusPong.ADDRESS, new JsonObject().put("seq", 0L), delivery));
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private Future<RoundResult> round(long nanos) {
    Promise<RoundResult> done = Promise.promise();
    vertx.runOnContext(v -> new Round(nanos, done).start());
    return done.future();
  }

  /** One timed round, driven from a single event-loop context so no locking is needed. */
  private final class Round {
    private final long nanos;
    private final Promise<RoundResult> done;
    private long[] latencies = new long[1 << 16];
    private int count;
    private int errors;
    private int inFlight;
    private long seq;
    private long start;
    private long deadline;

    Round(long nanos, Promise<RoundResult> done) {
      this.nanos = nanos;
      this.done = done;
    }

    void start() {
      start = System.nanoTime();
      deadline = start + nanos;
      for (int i = 0; i < window; i++) {
        send();
      }
    }

    private void send() {
      inFlight++;
      long sent = System.nanoTime();
      vertx.eventBus().<JsonObject>request(EventBusPong.ADDRESS, new JsonObject().put("seq", seq++), delivery)
          .onComplete(reply -> {
            long now = System.nanoTime();
            inFlight--;
            if (reply.succeeded()) {
              record(now - sent);
            } else {
              errors++;
            }
            if (now < deadline) {
              send();
            } else if (inFlight == 0) {
              done.complete(new RoundResult(Arrays.copyOf(latencies, count), errors, now - start));
            }
          });
    }

    private void record(long nanos) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = nanos;
    }
  }

  private record RoundResult(long[] latencies, int errors, long elapsedNanos) {

    double perSecond() {
      return latencies.length * 1e9 / elapsedNanos;
    }

    double percentileMs(int percentile) {
      if (latencies.length == 0) {
        return Double.NaN;
      }
      long[] sorted = latencies.clone();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, index)] / 1e6;
    }
  }
}
