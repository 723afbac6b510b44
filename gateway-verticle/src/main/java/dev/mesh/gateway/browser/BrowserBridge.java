package dev.mesh.gateway.browser;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshService;
import dev.mesh.common.contract.ServiceAddress;
import dev.mesh.common.identity.Identities;
import dev.mesh.gateway.edge.EdgeRefusals;
import dev.mesh.gateway.ratelimit.Rate;
import dev.mesh.gateway.ratelimit.TokenBucket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SockJS event-bus bridge for browsers, mounted under {@code /eventbus}. Permissions come from
 * {@link BridgePolicy}; this class adds what the bridge's matching cannot express (the {@code action}
 * header, no publishing at all), bounds every connection and logs what browsers do.
 *
 * <p>Refusals reach the browser as the bridge's error frames: {@code access_denied} for an address a
 * browser may not use, {@code rejected} for a forbidden action or a publish.
 *
 * <p>Each socket's messages (pings, sends, publishes, registrations) draw from a bucket of its own
 * ({@code GATEWAY_BRIDGE_MESSAGE_RATE}); a socket that outruns it is flooding, not browsing, and is
 * closed. Message size is bounded before a frame is parsed, by the edge server's WebSocket limit
 * ({@code GATEWAY_BRIDGE_MAX_MESSAGE_BYTES}, edge/EdgeServer).
 */
final class BrowserBridge {

  private static final Logger log = LoggerFactory.getLogger(BrowserBridge.class);

  /** Registrations plus pending replies one socket may hold: the page needs fewer than ten. */
  private static final int MAX_HANDLERS_PER_SOCKET = 32;
  private static final int MAX_ADDRESS_LENGTH = 64;

  private final Vertx vertx;
  private final int maxSockets;
  private final long pingTimeoutMs;
  private final long replyTimeoutMs;
  private final Rate messageRate;
  private final EdgeRefusals refusals;
  private final AtomicInteger openSockets = new AtomicInteger();
  /** The message bucket of each open socket; a socket closed for flooding has none any more. */
  private final Map<SockJSSocket, TokenBucket> messageBuckets = new ConcurrentHashMap<>();
  // sockets already logged at INFO for a refusal: later refusals of the same socket go to DEBUG
  private final Set<SockJSSocket> noisySockets = ConcurrentHashMap.newKeySet();
  private final Identities identities;
  /** The name the browsers' calls are signed as sent through. */
  static final String SENDER = "browser-bridge";

  BrowserBridge(Vertx vertx, Identities identities, int maxSockets, long pingTimeoutMs, long replyTimeoutMs,
      Rate messageRate, EdgeRefusals refusals) {
    this.vertx = vertx;
    this.identities = identities;
    this.messageRate = messageRate;
    this.refusals = refusals;
    this.maxSockets = maxSockets;
    this.pingTimeoutMs = pingTimeoutMs;
    this.replyTimeoutMs = replyTimeoutMs;
  }

  Router router() {
    SockJSHandlerOptions transport = new SockJSHandlerOptions()
        // the iframe transports load SockJS from here, not from a CDN the browser may not reach
        .setLibraryURL("/dashboard/vendor/sockjs.min.js");
    SockJSBridgeOptions bridge = BridgePolicy.permissions(new SockJSBridgeOptions())
        .setMaxHandlersPerSocket(MAX_HANDLERS_PER_SOCKET)
        .setMaxAddressLength(MAX_ADDRESS_LENGTH)
        .setPingTimeout(pingTimeoutMs) // a browser that stopped pinging is closed, with its consumers and timer
        .setReplyTimeout(replyTimeoutMs);
    return SockJSHandler.create(vertx, transport).bridge(bridge, this::onBridgeEvent);
  }

  /** Browser connections open right now. */
  int openSockets() {
    return openSockets.get();
  }

  private void onBridgeEvent(BridgeEvent event) {
    try {
      decide(event);
    } catch (RuntimeException malformed) {
      // a frame a browser built by hand (headers that are not an object, an address that is not a
      // string): refuse it rather than leave the bridge waiting for a decision
      refuse(event, String.valueOf(event.type()).toLowerCase(), "malformed frame: " + malformed.getMessage());
    }
  }

  private void decide(BridgeEvent event) {
    switch (event.type()) {
      case SOCKET_PING, SEND, PUBLISH, REGISTER, UNREGISTER -> {
        if (!withinMessageRate(event)) {
          return;
        }
      }
      default -> {
        // the socket's own life (created, closed, idle, errors) and what the mesh sends it: not counted
      }
    }
    switch (event.type()) {
      case SOCKET_CREATED -> admit(event);
      case SOCKET_CLOSED -> {
        noisySockets.remove(event.socket());
        messageBuckets.remove(event.socket());
        log.info("browser {} disconnected; {} open", remote(event.socket()), openSockets.decrementAndGet());
        event.complete(true);
      }
      case SEND -> checkSend(event);
      case PUBLISH -> refuse(event, "publish to " + address(event), "browsers may not publish");
      case REGISTER -> {
        if (!BridgePolicy.mayReceive(address(event))) {
          logRefusal(event, "register for " + address(event), "not a public event address (access_denied)");
        }
        event.complete(true); // the bridge's outbound permissions answer access_denied
      }
      default -> event.complete(true); // RECEIVE, UNREGISTER, pings, idle and errors
    }
  }

  private void admit(BridgeEvent event) {
    int open = openSockets.incrementAndGet();
    if (open > maxSockets) {
      openSockets.decrementAndGet();
      log.warn("browser {} refused: {} sockets open already", remote(event.socket()), maxSockets);
      event.complete(false); // the bridge closes the socket
      return;
    }
    log.info("browser {} connected; {} open", remote(event.socket()), open);
    messageBuckets.put(event.socket(), messageRate.bucket(System.nanoTime()));
    event.complete(true);
  }

  /**
   * One token of the socket's bucket per message it sends; when none is left the message is refused and
   * the socket closed (its consumers and timers go with it), and counted in the edge's refusals.
   */
  private boolean withinMessageRate(BridgeEvent event) {
    TokenBucket bucket = messageBuckets.get(event.socket());
    if (bucket != null && bucket.tryTake(System.nanoTime())) {
      return true;
    }
    event.complete(false);
    if (bucket != null && messageBuckets.remove(event.socket(), bucket)) {
      refusals.count(EdgeRefusals.Reason.BRIDGE_MESSAGE_RATE);
      log.info("browser {} closed: more than {} messages per {} s (GATEWAY_BRIDGE_MESSAGE_RATE)",
          remote(event.socket()), messageRate.capacity(), messageRate.period().toSeconds());
      event.socket().close();
    }
    return false;
  }

  private void checkSend(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    String address = address(event);
    JsonObject headers = raw.getJsonObject("headers");
    String action = headers == null ? null : headers.getString(MeshService.ACTION_HEADER);
    if (!BridgePolicy.maySendTo(address)) {
      // the bridge's inbound permissions answer access_denied (replies to messages the bridge let out
      // are the one exception it allows; the dashboard is never asked for one)
      logRefusal(event, "send to " + address, "address not open to browsers (access_denied)");
      event.complete(true);
      return;
    }
    String refusal = BridgePolicy.refusalOfSend(address, action);
    if (refusal != null) {
      refuse(event, "send to " + address, refusal);
      return;
    }
    // only the action travels on, and to a service the identity of an anonymous caller through this
    // gateway: a browser cannot set other headers a service might trust
    JsonObject onward = action == null ? new JsonObject() : new JsonObject().put(MeshService.ACTION_HEADER, action);
    if (address.startsWith(ServiceAddress.PREFIX)) {
      onward.put(Identities.HEADER, identities.sign(Caller.ANONYMOUS.actingThrough(SENDER), ServiceAddress.serviceOf(address)));
    }
    raw.put("headers", onward);
    log.debug("browser {} sends {} to {}", remote(event.socket()), action, address);
    event.complete(true);
  }

  private void refuse(BridgeEvent event, String what, String why) {
    logRefusal(event, what, why + " (rejected)");
    event.complete(false);
  }

  private void logRefusal(BridgeEvent event, String what, String why) {
    if (noisySockets.add(event.socket())) {
      log.info("browser {} refused: {}: {}", remote(event.socket()), what, why);
    } else {
      log.debug("browser {} refused: {}: {}", remote(event.socket()), what, why);
    }
  }

  private static String address(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    return raw == null ? null : raw.getString("address");
  }

  private static String remote(SockJSSocket socket) {
    return String.valueOf(socket.remoteAddress());
  }
}
