package dev.mesh.common.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code mesh_service_action_seconds{service,action,outcome}}: how long each action of a service took,
 * by the status it answered (outcome {@code 200}, {@code 404}, {@code 503}...). Recorded once, where
 * {@code MeshService} dispatches, so that no handler measures itself.
 */
public final class ActionMetrics {

  private final MeterRegistry registry;
  private final String service;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public ActionMetrics(MeterRegistry registry, String service) {
    this.registry = registry;
    this.service = service;
  }

  public void record(String action, int status, long startNanos) {
    String outcome = Integer.toString(status);
    timers.computeIfAbsent(action + ' ' + outcome, key -> Timer.builder("mesh.service.action")
        .description("Actions a service handled, by action and answered status")
        .tag("service", service).tag("action", action).tag("outcome", outcome)
        .serviceLevelObjectives(MeshMetrics.LATENCY_BUCKETS)
        .register(registry))
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
