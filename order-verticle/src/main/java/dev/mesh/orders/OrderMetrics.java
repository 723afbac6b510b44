package dev.mesh.orders;

import dev.mesh.common.observe.MeshMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The order service's own meters: {@code mesh_orders_saga_outcomes_total{state,reason}} and
 * {@code mesh_orders_saga_duration_seconds{state}} (creation to final state, sweeps included); and,
 * read from the database every {@value #GAUGE_INTERVAL_MS} ms, the orders PENDING now, the outbox
 * backlog and the age of its oldest event (the relay's lag). Reasons are categories, never free text.
 */
final class OrderMetrics implements SagaOutcomes {

  static final long GAUGE_INTERVAL_MS = 5000;
  private static final String GAUGES = "SELECT (SELECT count(*) FROM orders WHERE status = 'PENDING') AS pending,"
      + " count(*) AS backlog, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS lag FROM outbox";

  private final Vertx vertx;
  private final Pool pool;
  private final MeterRegistry registry;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicReference<Double> lagSeconds = new AtomicReference<>(0.0);
  private long timer = -1;

  OrderMetrics(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.registry = MeshMetrics.registry(vertx);
    Gauge.builder("mesh.orders.pending", pending, AtomicLong::get).description("Orders PENDING now")
        .register(registry);
    Gauge.builder("mesh.orders.outbox.backlog", backlog, AtomicLong::get)
        .description("Events written to the outbox and not yet relayed").register(registry);
    Gauge.builder("mesh.orders.outbox.lag.seconds", lagSeconds, AtomicReference::get)
        .description("Age of the oldest event not yet relayed").register(registry);
  }

  /** Reads the gauges periodically; with metrics off there is nothing to read for. */
  void start() {
    if (MeshMetrics.enabled(vertx)) {
      timer = vertx.setPeriodic(0, GAUGE_INTERVAL_MS, id -> readGauges());
    }
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  @Override
  public void sagaEnded(Order order, String reason) {
    String state = order.status().name();
    outcomes.computeIfAbsent(state + ' ' + reason, k -> Counter.builder("mesh.orders.saga.outcomes")
        .description("Sagas that reached a final state, by state and reason")
        .tag("state", state).tag("reason", reason).register(registry)).increment();
    if (order.createdAt() != null) {
      Duration took = Duration.between(order.createdAt(), OffsetDateTime.now());
      durations.computeIfAbsent(state, s -> Timer.builder("mesh.orders.saga.duration")
          .description("From an order's creation to its final state")
          .tag("state", s).serviceLevelObjectives(MeshMetrics.LATENCY_BUCKETS).register(registry))
          .record(took.isNegative() ? Duration.ZERO : took);
    }
  }

  private void readGauges() {
    pool.query(GAUGES).execute().onSuccess(rows -> {
      Row row = rows.iterator().next();
      pending.set(row.getLong("pending"));
      backlog.set(row.getLong("backlog"));
      lagSeconds.set(row.getDouble("lag"));
    });
  }
}
