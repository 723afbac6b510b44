package dev.mesh.orders;

/**
 * The states an order moves through, named once. {@link Status} is what the customer sees;
 * {@link Stock} is what the saga still owes the inventory service, so whoever resumes an order knows
 * what to finish. The database's CHECK constraints list the same names (db/orders).
 */
final class OrderStates {

  private OrderStates() {
  }

  enum Status {
    PENDING("created"), CONFIRMED("confirmed"), REJECTED("rejected"), CANCELLED("cancelled");

    private final String eventAddress;

    Status(String verb) {
      this.eventAddress = "events.order." + verb;
    }

    /** {@code events.order.created} for a new order, then one address per final state. */
    String eventAddress() {
      return eventAddress;
    }

    boolean isFinal() {
      return this != PENDING;
    }

    boolean ended() {
      return this == REJECTED || this == CANCELLED;
    }
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
