package dev.mesh.gateway.browser;

import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import java.util.Map;
import java.util.Set;

/**
 * What a browser may do on the event bus, in one table. Browsers receive the public domain events
 * ({@code events.*}, which includes the gateway's {@code events.mesh.status} and {@code events.mesh.stats}) and may send only the read
 * actions the dashboard needs; they may publish nothing. The bridge's permitted options are built from
 * this table, and {@link BrowserBridge} checks the {@code action} header against it, because the
 * bridge's own matching sees the address and the body only.
 */
final class BridgePolicy {

  /** Addresses a browser may send to, with the actions it may ask for (empty: no action needed). */
  static final Map<String, Set<String>> SENDABLE = Map.of(
      MeshStatus.READ_ADDRESS, Set.of(),
      RecentOrders.READ_ADDRESS, Set.of(),
      LiveStats.READ_ADDRESS, Set.of(),
      "mesh.inventory", Set.of("list", "get"));

  /** Addresses a browser may register for: every public domain event. */
  static final String RECEIVABLE_REGEX = "events\\.[a-z]+\\.[a-z]+";

  private BridgePolicy() {
  }

  static SockJSBridgeOptions permissions(SockJSBridgeOptions options) {
    SENDABLE.keySet().forEach(address -> options.addInboundPermitted(new PermittedOptions().setAddress(address)));
    return options.addOutboundPermitted(new PermittedOptions().setAddressRegex(RECEIVABLE_REGEX));
  }

  static boolean mayReceive(String address) {
    return address != null && address.matches(RECEIVABLE_REGEX);
  }

  static boolean maySendTo(String address) {
    return address != null && SENDABLE.containsKey(address);
  }

  /** Null when this send is allowed, else why not. */
  static String refusalOfSend(String address, String action) {
    Set<String> actions = SENDABLE.get(address);
    if (actions == null) {
      return "address not open to browsers";
    }
    if (!actions.isEmpty() && (action == null || !actions.contains(action))) {
      return "action '" + action + "' not open to browsers on " + address;
    }
    return null;
  }
}
