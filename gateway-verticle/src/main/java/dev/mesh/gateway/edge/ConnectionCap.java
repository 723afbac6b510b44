package dev.mesh.gateway.edge;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the connections open at once on the HTTP edge: {@link EdgeLimits#maxConnections()} in all, and
 * {@link EdgeLimits#maxConnectionsPerAddress()} from one client address, so one host cannot take every
 * socket and file descriptor the gateway has. A connection over either cap is closed as it opens, before
 * any of its bytes is read, and counted ({@link EdgeRefusals}). The server calls this before the
 * connection's first request; {@code next} (strict framing) runs for the connections kept.
 */
public final class ConnectionCap implements Handler<HttpConnection> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);

  private final int maxConnections;
  private final int maxPerAddress;
  private final Handler<HttpConnection> next;
  private final EdgeRefusals refusals;
  private final AtomicInteger open = new AtomicInteger();
  /** Per address, only while it has a connection open: at most as many entries as connections. */
  private final Map<String, Integer> openByAddress = new ConcurrentHashMap<>();

  public ConnectionCap(EdgeLimits limits, EdgeRefusals refusals, Handler<HttpConnection> next) {
    this.maxConnections = limits.maxConnections();
    this.maxPerAddress = limits.maxConnectionsPerAddress();
    this.refusals = refusals;
    this.next = next;
  }

  @Override
  public void handle(HttpConnection connection) {
    String address = AddressShield.address(connection.remoteAddress());
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      refuse(connection, EdgeRefusals.Reason.CONNECTIONS, address, maxConnections + " connections open on this gateway");
      return;
    }
    if (!takeSlotOf(address)) {
      open.decrementAndGet();
      refuse(connection, EdgeRefusals.Reason.ADDRESS_CONNECTIONS, address, maxPerAddress + " connections open from "
          + address);
      return;
    }
    connection.closeHandler(closed -> {
      releaseSlotOf(address);
      open.decrementAndGet();
    });
    next.handle(connection);
  }

  /** Connections open right now. */
  public int open() {
    return open.get();
  }

  /** Counts a connection of {@code address} if it has a slot left: checked and counted in one step. */
  private boolean takeSlotOf(String address) {
    boolean[] taken = {false};
    openByAddress.compute(address, (a, count) -> {
      int current = count == null ? 0 : count;
      if (current >= maxPerAddress) {
        return count;
      }
      taken[0] = true;
      return current + 1;
    });
    return taken[0];
  }

  /** One connection of {@code address} less; its entry goes with its last connection. */
  private void releaseSlotOf(String address) {
    openByAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
  }

  private void refuse(HttpConnection connection, EdgeRefusals.Reason reason, String address, String why) {
    refusals.count(reason);
    log.debug("connection from {} refused: {}", address, why);
    connection.close();
  }
}
