package dev.mesh.orders;

/**
 * What the saga still owes the inventory service for an order ({@link Stock}), so whoever resumes an
 * order knows what to finish. Which step makes it owed, and which compensation or commit settles it, is
 * declared with the steps ({@link SagaStep}). What the customer sees is the contract's
 * {@code OrdersContract.Status}. The database's CHECK constraints list the same names (db/orders).
 */
final class OrderStates {

  private OrderStates() {
  }

  enum Stock {
    /** Never asked to reserve. */
    NONE,
    /** A reserve may have been sent (its outcome may be unknown): an ended order must release. */
    ASKED,
    /** Reserved and confirmed: cancellable until the window ends, then committed. */
    RESERVED,
    /** Claimed for commit: no cancel any more. */
    COMMITTING,
    COMMITTED,
    RELEASED;

    /** Stock that an ended order must give back. */
    boolean owedBack() {
      return this == ASKED || this == RESERVED;
    }
  }
}
