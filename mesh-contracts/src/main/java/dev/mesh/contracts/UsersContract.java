package dev.mesh.contracts;

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
    GET("get", RoutePolicy.AUTHENTICATED),
    LIST("list", RoutePolicy.roles(Caller.ADMIN)),
    UPDATE("update", RoutePolicy.AUTHENTICATED),
    DELETE("delete", RoutePolicy.AUTHENTICATED);

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

  /** Each carries the user's record (email and name: personal, so never to an anonymous browser). */
  public enum Event implements EventContract {
    CREATED("events.user.created"),
    UPDATED("events.user.updated"),
    DELETED("events.user.deleted");

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
      return false;
    }
  }
}
