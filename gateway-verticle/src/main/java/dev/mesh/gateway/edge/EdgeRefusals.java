package dev.mesh.gateway.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code mesh_gateway_edge_refused_total{reason}}: what the edge turned away before the router saw it,
 * so an operator sees a flood or a client at its limits. One counter per reason, made once.
 */
public final class EdgeRefusals {

  /** Why the edge refused. */
  public enum Reason {
    /** A request over its client address's rate (429). */
    ADDRESS_RATE("address_rate"),
    /** A connection over the gateway's cap (closed). */
    CONNECTIONS("connections"),
    /** A connection over its client address's cap (closed). */
    ADDRESS_CONNECTIONS("address_connections"),
    /** A browser socket that sent messages faster than its rate (closed). */
    BRIDGE_MESSAGE_RATE("bridge_message_rate");

    private final String label;

    Reason(String label) {
      this.label = label;
    }
  }

  private final Counter[] counters = new Counter[Reason.values().length];

  public EdgeRefusals(MeterRegistry registry) {
    for (Reason reason : Reason.values()) {
      counters[reason.ordinal()] = Counter.builder("mesh.gateway.edge.refused")
          .description("Requests, connections and browser sockets the edge refused before routing, by reason")
          .tag("reason", reason.label).register(registry);
    }
  }

  public void count(Reason reason) {
    counters[reason.ordinal()].increment();
  }
}
