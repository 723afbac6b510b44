package dev.mesh.gateway.edge;

import dev.mesh.common.MeshConfig;
import dev.mesh.gateway.ratelimit.Rate;

/**
 * What one gateway lets a client hold and send before anything else looks at it, read once at start.
 * Every limit here is this gateway's own (it does not ask the cluster: see {@link AddressShield}); with
 * N gateways a client address may reach N times each. README's configuration table lists them.
 *
 * @param rate                    requests per client address, before authentication ({@code capacity/seconds})
 * @param maxAddresses            client addresses with a bucket of their own; past that they share one
 * @param maxConnections          connections open at once on the HTTP edge
 * @param maxConnectionsPerAddress connections open at once from one client address
 * @param idleTimeoutSeconds      an HTTP connection with no byte either way for this long is closed
 * @param tcpBridgeIdleTimeoutSeconds the same for a connection to the TCP event-bus bridge
 * @param maxWebSocketMessageBytes the largest WebSocket message (the browser bridge's frames)
 */
public record EdgeLimits(Rate rate, int maxAddresses, int maxConnections, int maxConnectionsPerAddress,
    int idleTimeoutSeconds, int tcpBridgeIdleTimeoutSeconds, int maxWebSocketMessageBytes) {

  public static final String RATE = "GATEWAY_EDGE_RATE_LIMIT";
  public static final String MAX_ADDRESSES = "GATEWAY_EDGE_RATE_LIMIT_ADDRESSES";
  public static final String MAX_CONNECTIONS = "GATEWAY_MAX_CONNECTIONS";
  public static final String MAX_CONNECTIONS_PER_ADDRESS = "GATEWAY_MAX_CONNECTIONS_PER_ADDRESS";
  public static final String IDLE_TIMEOUT_SECONDS = "GATEWAY_IDLE_TIMEOUT_SECONDS";
  public static final String TCP_BRIDGE_IDLE_TIMEOUT_SECONDS = "BRIDGE_TCP_IDLE_TIMEOUT_SECONDS";
  public static final String MAX_WEBSOCKET_MESSAGE_BYTES = "GATEWAY_BRIDGE_MAX_MESSAGE_BYTES";

  /**
   * 1,000 a second with bursts of 1,000, per address and gateway: far above one person's use (the
   * cluster-wide limits give a caller 25 a second), room for a NAT of a few dozen busy users, and it cuts a
   * flood of bad tokens or garbage from one host before any token is checked.
   */
  public static final String DEFAULT_RATE = "1000/1";

  public static EdgeLimits from(MeshConfig settings) {
    return new EdgeLimits(
        Rate.parse(RATE, settings.get(RATE, DEFAULT_RATE)),
        positive(settings, MAX_ADDRESSES, 100_000),
        positive(settings, MAX_CONNECTIONS, 10_000),
        positive(settings, MAX_CONNECTIONS_PER_ADDRESS, 256),
        // above the longest a healthy connection waits in silence: a /bridge/request may wait 60 s for
        // its reply; SockJS sends a heartbeat every 25 s and the bridge's event stream a ping every 15 s
        positive(settings, IDLE_TIMEOUT_SECONDS, 90),
        // TCP bridge clients ping (the protocol's "ping" frame) every few seconds; a silent one is gone
        positive(settings, TCP_BRIDGE_IDLE_TIMEOUT_SECONDS, 300),
        // the dashboard's frames are a few hundred bytes; a big one is no browser's doing
        positive(settings, MAX_WEBSOCKET_MESSAGE_BYTES, 16 * 1024));
  }

  private static int positive(MeshConfig settings, String name, int defaultValue) {
    int value = settings.getInt(name, defaultValue);
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be a positive number, got " + value);
    }
    return value;
  }
}
