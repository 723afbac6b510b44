package dev.mesh.inventory;

import dev.mesh.common.MeshError;
import dev.mesh.db.PgErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code mesh_inventory_reservations_total{outcome}}: reserve calls by what they came to:
 * {@code reserved}, {@code repeated} (an idempotent retry), or the error code of the refusal
 * ({@code insufficient_stock}, {@code not_found}, {@code conflict}, {@code invalid}, {@code unavailable}...).
 */
final class ReservationMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

  ReservationMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void reserved(boolean repeated) {
    count(repeated ? "repeated" : "reserved");
  }

  void refused(Throwable failure) {
    count(PgErrors.translate(failure) instanceof MeshError error ? error.error() : "failed");
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, o -> Counter.builder("mesh.inventory.reservations")
        .description("Stock reservations, by outcome").tag("outcome", o).register(registry)).increment();
  }
}
