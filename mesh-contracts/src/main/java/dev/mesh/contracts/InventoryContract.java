package dev.mesh.contracts;

import static dev.mesh.common.RoutePolicy.OPEN;

import dev.mesh.common.Caller;
import dev.mesh.common.RoutePolicy;
import dev.mesh.common.contract.ActionContract;
import dev.mesh.common.contract.EventContract;
import dev.mesh.common.contract.ServiceAddress;

/** The inventory service (docs/inventory.md): products, their stock, and the saga's reservations. */
public final class InventoryContract {

  public static final String SERVICE = "inventory";
  public static final String ADDRESS = ServiceAddress.of(SERVICE);

  private static final RoutePolicy OPERATOR = RoutePolicy.roles(Caller.ADMIN);
  /** The saga's steps are an operator's, and the orders service's, which calls them as itself. */
  private static final RoutePolicy SAGA = OPERATOR.orServices(OrdersContract.SERVICE);

  private InventoryContract() {
  }

  /** Anyone reads the catalogue; an operator changes it. */
  public enum Action implements ActionContract {
    CREATE("create", OPERATOR),
    GET("get", OPEN),
    LIST("list", OPEN),
    RESTOCK("restock", OPERATOR),
    UPDATE("update", OPERATOR),
    /** The order saga's step: all items or none, idempotent per order id. */
    RESERVE("reserve", SAGA),
    /** The saga's compensation of {@link #RESERVE}. */
    RELEASE("release", SAGA),
    COMMIT("commit", SAGA);

    private final Spec spec;

    Action(String action, RoutePolicy policy) {
      this.spec = new Spec(SERVICE, action, policy);
    }

    @Override
    public Spec spec() {
      return spec;
    }
  }

  /** A product's new counts and catalogue data, with the reason it changed: nothing personal. */
  public enum Event implements EventContract {
    CHANGED("events.inventory.changed");

    private final Spec spec;

    Event(String address) {
      this.spec = new Spec(address, true);
    }

    @Override
    public Spec spec() {
      return spec;
    }
  }
}
