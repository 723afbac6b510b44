package dev.mesh.contracts;

import dev.mesh.common.RoutePolicy;
import dev.mesh.common.contract.ActionContract;
import dev.mesh.common.contract.EventContract;
import dev.mesh.common.contract.ServiceAddress;

/** The orders service (docs/orders.md): orders, the states they move through and their events. */
public final class OrdersContract {

  public static final String SERVICE = "orders";
  public static final String ADDRESS = ServiceAddress.of(SERVICE);

  private OrdersContract() {
  }

  /** Every action needs a caller; a customer sees and cancels only their own orders. */
  public enum Action implements ActionContract {
    CREATE("create"),
    GET("get"),
    LIST("list"),
    CANCEL("cancel");

    private final Spec spec;

    Action(String action) {
      this.spec = new Spec(SERVICE, action, RoutePolicy.AUTHENTICATED);
    }

    @Override
    public Spec spec() {
      return spec;
    }
  }

  /** What the customer sees of an order; the database's CHECK constraints list the same names. */
  public enum Status {
    PENDING(Event.CREATED), CONFIRMED(Event.CONFIRMED), REJECTED(Event.REJECTED), CANCELLED(Event.CANCELLED);

    private final Event event;

    Status(Event event) {
      this.event = event;
    }

    /** The event an order reaching this status publishes: created for a new order, then one per end. */
    public Event event() {
      return event;
    }

    public boolean isFinal() {
      return this != PENDING;
    }

    public boolean ended() {
      return this == REJECTED || this == CANCELLED;
    }
  }

  /** Each carries the order (its user's id and items): for its owner and operators, not anonymous browsers. */
  public enum Event implements EventContract {
    CREATED("events.order.created"),
    CONFIRMED("events.order.confirmed"),
    REJECTED("events.order.rejected"),
    CANCELLED("events.order.cancelled");

    private final Spec spec;

    Event(String address) {
      this.spec = new Spec(address, false);
    }

    @Override
    public Spec spec() {
      return spec;
    }
  }
}
