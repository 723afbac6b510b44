package dev.mesh.common.contract;

/**
 * A domain event a service publishes, declared once in its contract: the address it is published on and
 * whether an anonymous browser may receive it (an event that carries no personal field).
 */
public interface EventContract {

  /** What a contract says of one event. */
  record Spec(String address, boolean browserSafe) {
  }

  Spec spec();

  /** {@code events.<entity>.<verb>}. */
  default String address() {
    return spec().address();
  }

  /** True when the event carries nothing personal, so the browser bridge may hand it to anyone. */
  default boolean browserSafe() {
    return spec().browserSafe();
  }
}
