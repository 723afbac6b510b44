package dev.mesh.common.contract;

import dev.mesh.common.RoutePolicy;

/**
 * One action of a service's contract, as callers and the service itself import it: the service it
 * belongs to, its name (the {@code action} header) and who may call it. Each service
 * declares its actions once, as an enum in its contract class; nothing else spells them.
 */
public interface ActionContract {

  /** The service's name, e.g. {@code users}. */
  String service();

  /** The action's name, sent as the {@code action} header. */
  String action();

  /** Who may call it; the gateway enforces it on the action's route. */
  RoutePolicy policy();

  /** The event-bus address the action is served on. */
  default String address() {
    return ServiceAddress.of(service());
  }
}
