package dev.mesh.common.contract;

import dev.mesh.common.RoutePolicy;

/**
 * One action of a service's contract, as callers and the service itself import it: the service it
 * belongs to, its name (the {@code action} header) and who may call it. Each service declares its
 * actions once, as an enum in its contract class whose constants carry a {@link Spec}; nothing else
 * spells them.
 */
public interface ActionContract {

  /** What a contract says of one action. */
  record Spec(String service, String action, RoutePolicy policy) {
  }

  Spec spec();

  /** The service's name, e.g. {@code users}. */
  default String service() {
    return spec().service();
  }

  /** The action's name, sent as the {@code action} header. */
  default String action() {
    return spec().action();
  }

  /** Who may call it; the gateway enforces it on the action's route, the service's dispatcher on every call. */
  default RoutePolicy policy() {
    return spec().policy();
  }

  /** The event-bus address the action is served on. */
  default String address() {
    return ServiceAddress.of(service());
  }
}
