package dev.mesh.common.contract;

/**
 * A domain event a service publishes, declared once in its contract: the address it is published on and
 * whether an anonymous browser may receive it (an event that carries no personal field).
 */
public interface EventContract {

  /** {@code events.<entity>.<verb>}. */
  String address();

  /** True when the event carries nothing personal, so the browser bridge may hand it to anyone. */
  boolean browserSafe();
}
