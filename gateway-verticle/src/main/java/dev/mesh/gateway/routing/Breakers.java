package dev.mesh.gateway.routing;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.MeshError;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One circuit breaker per downstream service. Only the mesh's own faults count as failures (timeouts,
 * no handler, 5xx): a 4xx is the service answering correctly about bad input.
 */
public final class Breakers {

  public static final String MAX_FAILURES = "GATEWAY_BREAKER_MAX_FAILURES";
  public static final String RESET_MS = "GATEWAY_BREAKER_RESET_MS";

  private final Vertx vertx;
  private final CircuitBreakerOptions options;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final Map<String, Long> openedAt = new ConcurrentHashMap<>();

  public Breakers(Vertx vertx, MeshConfig settings) {
    this.vertx = vertx;
    this.options = new CircuitBreakerOptions()
        .setMaxFailures(settings.getInt(MAX_FAILURES, 5))
        .setResetTimeout(settings.getInt(RESET_MS, 5000))
        .setTimeout(-1) // the event-bus request has its own deadline, reported as 504
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
      CircuitBreaker breaker = CircuitBreaker.create("gateway-" + name, vertx, options);
      breaker.failurePolicy(Breakers::isMeshFault);
      breaker.openHandler(v -> openedAt.put(name, System.currentTimeMillis()));
      return breaker;
    });
  }

  private static <T> boolean isMeshFault(Future<T> outcome) {
    return outcome.failed() && MeshError.from(outcome.cause()).status() >= 500;
  }
}
