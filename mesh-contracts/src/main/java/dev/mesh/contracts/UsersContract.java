package dev.mesh.contracts;

import static dev.mesh.common.RoutePolicy.AUTHENTICATED;

import dev.mesh.common.Caller;
import dev.mesh.common.RoutePolicy;
import dev.mesh.common.contract.ActionContract;
import dev.mesh.common.contract.EventContract;
import dev.mesh.common.contract.ServiceAddress;

/** The users service (docs/users.md): its address, actions and events. */
public final class UsersContract {

  public static final String SERVICE = "users";
  public static final String ADDRESS = ServiceAddress.of(SERVICE);

  private UsersContract() {
  }

  /** An operator creates and lists users; a customer reads and changes only their own record. */
  public enum Action implements ActionContract {
    CREATE("create", RoutePolicy.roles(Caller.ADMIN)),
    GET("get", AUTHENTICATED),
    LIST("list", RoutePolicy.roles(Caller.ADMIN)),
    UPDATE("update", AUTHENTICATED),
    DELETE("delete", AUTHENTICATED);

    private final Spec spec;

    Action(String action, RoutePolicy policy) {
      this.spec = new Spec(SERVICE, action, policy);
    }

    @Override
    public Spec spec() {
      return spec;
    }
  }

  /** Each carries the user's record (email and name: personal, so never to an anonymous browser). */
  public enum Event implements EventContract {
    CREATED("events.user.created"),
    UPDATED("events.user.updated"),
    DELETED("events.user.deleted");

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
