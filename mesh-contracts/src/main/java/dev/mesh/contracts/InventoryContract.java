package dev.mesh.contracts;

import dev.mesh.common.Caller;
import dev.mesh.common.RoutePolicy;
import dev.mesh.common.contract.ActionContract;
import dev.mesh.common.contract.EventContract;
import dev.mesh.common.contract.ServiceAddress;

/** The inventory service (docs/inventory.md): products, their stock, and the saga's reservations. */
public final class InventoryContract {

  public static final String SERVICE = "inventory";
  public static final String ADDRESS = ServiceAddress.of(SERVICE);

  private InventoryContract() {
  }

  /**
   * Anyone reads the catalogue; an operator changes it. The saga's steps are an operator's, and the
   * orders service's, which calls them as itself.
   */
  public enum Action implements ActionContract {
    CREATE("create", RoutePolicy.roles(Caller.ADMIN)),
    GET("get", RoutePolicy.OPEN),
    LIST("list", RoutePolicy.OPEN),
    RESTOCK("restock", RoutePolicy.roles(Caller.ADMIN)),
    UPDATE("update", RoutePolicy.roles(Caller.ADMIN)),
    /** The order saga's step: all items or none, idempotent per order id. */
    RESERVE("reserve", RoutePolicy.roles(Caller.ADMIN).orServices(OrdersContract.SERVICE)),
    /** The saga's compensation of {@link #RESERVE}. */
    RELEASE("release", RoutePolicy.roles(Caller.ADMIN).orServices(OrdersContract.SERVICE)),
    COMMIT("commit", RoutePolicy.roles(Caller.ADMIN).orServices(OrdersContract.SERVICE));

    private final String action;
    private final RoutePolicy policy;

    Action(String action, RoutePolicy policy) {
      this.action = action;
      this.policy = policy;
    }

    @Override
    public String service() {
      return SERVICE;
    }

    @Override
    public String action() {
      return action;
    }

    @Override
    public RoutePolicy policy() {
      return policy;
    }
  }

  /** A product's new counts and catalogue data, with the reason it changed: nothing personal. */
  public enum Event implements EventContract {
    CHANGED("events.inventory.changed");

    private final String address;

    Event(String address) {
      this.address = address;
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public boolean browserSafe() {
      return true;
    }
  }
}
