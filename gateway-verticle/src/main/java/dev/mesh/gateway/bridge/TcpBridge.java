package dev.mesh.gateway.bridge;

import dev.mesh.common.Caller;
import dev.mesh.common.contract.ServiceAddress;
import dev.mesh.common.identity.Identities;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's TCP event-bus bridge (frames of a 4-byte big-endian length and a UTF-8 JSON object), so the
 * existing bridge clients for Python, Go, C#, C and Node connect unchanged. Same address rules as the
 * HTTP bridge: the library's permitted lists refuse what no rule allows ({@code access_denied}); the
 * event hook separates send from publish ({@code blocked by bridgeEvent handler}). A client may reply
 * to a message it received: the library lets through exactly the reply addresses it handed out.
 */
final class TcpBridge {

  private static final Logger log = LoggerFactory.getLogger(TcpBridge.class);

  private final Vertx vertx;
  private final AddressRules rules;
  private final String host;
  private final int port;
  private TcpEventBusBridge bridge;
  private volatile int actualPort = -1;

  private final BridgeAuth auth;
  private final Function<String, String> ownerOf;
  private final Identities identities;

  /** A client connection silent in both directions for this long is closed: a dead client holds no socket. */
  private final int idleTimeoutSeconds;

  /**
   * {@code auth} tells who a frame's credential belongs to; {@code ownerOf} which foreign service serves an
   * address; {@code identities} signs each frame's call; {@code idleTimeoutSeconds} is
   * {@code BRIDGE_TCP_IDLE_TIMEOUT_SECONDS}.
   */
  TcpBridge(Vertx vertx, BridgeSettings settings, BridgeAuth auth, Function<String, String> ownerOf,
      Identities identities, int idleTimeoutSeconds) {
    this.vertx = vertx;
    this.identities = identities;
    this.idleTimeoutSeconds = idleTimeoutSeconds;
    this.auth = auth;
    this.ownerOf = ownerOf;
    this.rules = settings.rules();
    this.host = settings.tcpHost();
    this.port = settings.tcpPort();
  }

  /**
   * Listens on the configured port (a fixed one: clients must know it), unless it is negative (off). A port already taken is logged, not fatal: the HTTP edge
   * and the HTTP bridge matter more than this second door, and {@code GET /bridge} shows its state.
   */
  Future<Void> start() {
    if (port < 0) {
      log.info("TCP event-bus bridge is off ({} < 0)", BridgeSettings.TCP_PORT);
      return Future.succeededFuture();
    }
    BridgeOptions options = new BridgeOptions();
    rules.regexes(AddressRules.Kind.SEND).forEach(r -> options.addInboundPermitted(new PermittedOptions().setAddressRegex(r)));
    rules.regexes(AddressRules.Kind.PUBLISH).forEach(r -> options.addInboundPermitted(new PermittedOptions().setAddressRegex(r)));
    rules.regexes(AddressRules.Kind.SUBSCRIBE).forEach(r -> options.addOutboundPermitted(new PermittedOptions().setAddressRegex(r)));
    bridge = TcpEventBusBridge.create(vertx, options,
        new NetServerOptions().setIdleTimeout(idleTimeoutSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS), this::check);
    return bridge.listen(port, host)
        .onSuccess(b -> log.info("TCP event-bus bridge listening on {}:{}", host, actualPort = port))
        .onFailure(e -> log.error("TCP event-bus bridge could not listen on {}:{} ({}); the HTTP bridge still works",
            host, port, e.getMessage()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  /** The port it listens on, or -1 when it does not listen. */
  int port() {
    return actualPort;
  }

  Future<Void> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }

  /**
   * Every frame that sends, publishes or registers carries a credential in its headers
   * ({@code "headers": {"authorization": "Bearer <BRIDGE_SECRET or the service's credential>"}}); without
   * a valid one it is refused. A service credential may not send to an address another foreign service
   * serves (unless granted). The library's lists already refuse, with its standard {@code access_denied},
   * any address no send or publish rule allows; what they cannot tell apart is an address one kind
   * allows and the other does not: that is refused here too. The credential and any identity header are
   * taken off the frame before it goes on.
   */
  private void check(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    String address = raw == null ? null : raw.getString("address");
    boolean guarded = switch (event.type()) {
      case SEND, PUBLISH, REGISTER -> true;
      default -> false;
    };
    if (!guarded) {
      event.complete(true);
      return;
    }
    JsonObject headers = raw.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
    BridgeCaller caller = credentialOf(headers);
    boolean mayPublish = rules.allows(AddressRules.Kind.PUBLISH, address);
    boolean maySend = rules.allows(AddressRules.Kind.SEND, address);
    boolean allowed = caller != null && switch (event.type()) {
      case SEND -> (maySend || !mayPublish) && caller.maySendTo(address, ownerOf.apply(address));
      case PUBLISH -> mayPublish || !maySend;
      default -> true;
    };
    if (!allowed) {
      log.debug("TCP bridge refused {} on {} ({})", event.type(), address, caller == null ? "no valid credential" : "rules");
    }
    // the credential and identity headers are the bridge's business, not the receiver's
    headers.fieldNames().removeIf(name -> name.equalsIgnoreCase("authorization")
        || Caller.HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT)));
    if (allowed && event.type() == BridgeEventType.SEND) {
      // a send is a call: it carries the identity of the bridge acting for the frame's caller
      Caller identity = caller.identity();
      headers.put(Identities.HEADER, identities.sign(identity, ServiceAddress.serviceOf(address)));
      raw.put("headers", headers);
    }
    event.complete(allowed);
  }

  private BridgeCaller credentialOf(JsonObject headers) {
    Object value = null;
    for (String name : headers.fieldNames()) {
      if (name.equalsIgnoreCase("authorization")) {
        value = headers.getValue(name);
      }
    }
    if (!(value instanceof String text) || text.isBlank()) {
      return null;
    }
    String credential = text.regionMatches(true, 0, "Bearer ", 0, 7) ? text.substring(7).trim() : text.trim();
    return auth.identify(credential);
  }
}
