package dev.mesh.gateway.bridge;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who calls the bridge: the operator, with the bootstrap {@code BRIDGE_SECRET} (registers services,
 * sees and may do everything), or one registered foreign service with the credential its registration
 * returned, scoped to its name: it manages only its own registration, and may not call an address
 * another foreign service serves unless the operator granted it ({@code BRIDGE_GRANTS}).
 */
record BridgeCaller(String serviceId, String name, List<Pattern> grants, Set<String> roles) {

  static final BridgeCaller OPERATOR = new BridgeCaller(null, null, List.of(), Set.of());
  /** The name the bridge signs the operator's calls as; a foreign service's is {@code bridge/<name>}. */
  static final String SENDER = "bridge";
  private static final String KEY = "bridge.caller";

  boolean operator() {
    return serviceId == null;
  }

  static BridgeCaller of(RoutingContext ctx) {
    BridgeCaller caller = ctx.get(KEY);
    return caller == null ? OPERATOR : caller;
  }

  void putInto(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  /**
   * Who it is inside the mesh: the bridge acting for it, with only the roles the operator granted it
   * ({@code BRIDGE_GRANT_ROLES}); the operator's secret carries none. The service it calls decides by its
   * own policy, so a foreign service reads users' data only if the operator granted it a role that may.
   */
  Caller identity() {
    return new Caller(null, roles, Set.of(), operator() ? SENDER : SENDER + "/" + name);
  }

  /** Its own registration only. */
  void checkManages(String id) {
    if (!operator() && !serviceId.equals(id)) {
      throw MeshError.forbidden("a foreign service's credential manages only its own registration");
    }
  }

  void checkOperator(String what) {
    if (!operator()) {
      throw MeshError.forbidden(what + " needs the bridge secret (the operator's), not a service credential");
    }
  }

  /** Whether it may send to {@code address}, which {@code ownerName} (a foreign service, or null) serves. */
  boolean maySendTo(String address, String ownerName) {
    return operator() || ownerName == null || ownerName.equals(name)
        || grants.stream().anyMatch(p -> p.matcher(address).matches());
  }
}
