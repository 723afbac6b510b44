package dev.mesh.gateway.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.Map;

/** {@code mesh_gateway_service_instances{service}}: the instances each service has in the registry. */
public final class ServiceGauges {

  private final MultiGauge instances;

  public ServiceGauges(MeterRegistry registry) {
    this.instances = MultiGauge.builder("mesh.gateway.service.instances")
        .description("Instances of each service in the registry, as the gateway last read it")
        .register(registry);
  }

  public void update(Map<String, Integer> counts) {
    // overwrite: a service that left drops out of the list rather than keeping a stale value
    instances.register(counts.entrySet().stream()
        .map(e -> MultiGauge.Row.of(Tags.of("service", e.getKey()), e.getValue()))
        .toList(), true);
  }
}
