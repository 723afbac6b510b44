package dev.mesh.common;

import dev.mesh.common.observe.MeshMetrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One circuit breaker per downstream service, for whoever calls others: the gateway, the order saga.
 * Only the mesh's own faults count as failures (timeouts, no handler, 5xx): a 4xx is the service
 * answering correctly about bad input.
 */
public final class Breakers {

  private final Vertx vertx;
  private final String owner;
  private final CircuitBreakerOptions options;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final Map<String, Long> openedAt = new ConcurrentHashMap<>();

  /** Breakers named {@code <owner>-<service>} that open after maxFailures faults and retry after resetMs. */
  public Breakers(Vertx vertx, String owner, int maxFailures, long resetMs) {
    this.vertx = vertx;
    this.owner = owner;
    this.options = new CircuitBreakerOptions()
        .setMaxFailures(maxFailures)
        .setResetTimeout(resetMs)
        .setTimeout(-1) // every call has its own event-bus deadline, reported as 504
        .setFallbackOnFailure(false);
  }

  public <T> Future<T> execute(String service, Supplier<Future<T>> call) {
    return breaker(service).execute(call);
  }

  public CircuitBreakerState state(String service) {
    return breaker(service).state();
  }

  /** Whole seconds until the open breaker of this service lets a trial call through (at least 1). */
  public long retryAfterSeconds(String service) {
    long opened = openedAt.getOrDefault(service, System.currentTimeMillis());
    long remainingMs = opened + options.getResetTimeout() - System.currentTimeMillis();
    return Math.max(1, (remainingMs + 999) / 1000);
  }

  private CircuitBreaker breaker(String service) {
    return breakers.computeIfAbsent(service, name -> {
      CircuitBreaker breaker = CircuitBreaker.create(owner + "-" + name, vertx, options);
      breaker.failurePolicy(Breakers::isMeshFault);
      breaker.openHandler(v -> openedAt.put(name, System.currentTimeMillis()));
      Gauge.builder("mesh.breaker.state", breaker, b -> stateValue(b.state()))
          .description("Circuit breaker per downstream service: 0 closed, 1 half-open, 2 open")
          .tag("owner", owner).tag("service", name)
          .register(MeshMetrics.registry(vertx));
      return breaker;
    });
  }

  private static int stateValue(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  private static <T> boolean isMeshFault(Future<T> outcome) {
    return outcome.failed() && MeshError.from(outcome.cause()).status() >= 500;
  }
}
