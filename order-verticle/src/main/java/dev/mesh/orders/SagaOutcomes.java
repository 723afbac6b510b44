package dev.mesh.orders;

/** Hears of every saga that reached a final state: {@link OrderMetrics} counts them; tests record them. */
interface SagaOutcomes {

  /** {@code reason} is a low-cardinality category ("ok", "customer", a step's refusal category, ...). */
  void sagaEnded(Order order, String reason);
}
