package dev.mesh.gateway.edge;

import dev.mesh.common.MeshConfig;
import dev.mesh.common.observe.MeshMetrics;
import dev.mesh.gateway.ratelimit.AddressBuckets;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's HTTP server with its limits and the hooks that keep a hostile client's bytes from
 * reaching the router, in the order a connection meets them: the connection caps ({@link ConnectionCap}),
 * strict framing ({@link StrictFraming}), the per-address request rate ({@link AddressShield}, before
 * authentication and before the router), decoder failures answered in the mesh's error shape
 * ({@link InvalidRequests}), connection failures logged at DEBUG ({@link ClientFaults}), and an idle
 * timeout ({@link EdgeLimits}).
 */
public final class EdgeServer {

  public static final String MAX_INITIAL_LINE_BYTES = "GATEWAY_MAX_INITIAL_LINE_BYTES";
  public static final String MAX_HEADER_BYTES = "GATEWAY_MAX_HEADER_BYTES";

  private EdgeServer() {
  }

  /** The server, its requests handed to {@code router} once past the edge's limits. */
  public static HttpServer create(Vertx vertx, MeshConfig settings, Handler<HttpServerRequest> router) {
    int lineBytes = positive(settings, MAX_INITIAL_LINE_BYTES, 4096);
    int headerBytes = positive(settings, MAX_HEADER_BYTES, 8192);
    EdgeLimits limits = EdgeLimits.from(settings);
    HttpServerOptions options = new HttpServerOptions()
        // no cleartext HTTP/2 upgrade: "Upgrade: h2c" is a known way past a proxy's rules (h2c smuggling),
        // and it would also decode a connection's first request before StrictFraming is in place
        .setHttp2ClearTextEnabled(false)
        .setMaxInitialLineLength(lineBytes)
        .setMaxHeaderSize(headerBytes)
        // a connection that says nothing for this long holds a socket for nobody (slow or dead clients)
        .setIdleTimeout(limits.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        // the browser bridge is the one WebSocket user: a larger message closes the socket (1009) before
        // it is parsed, on the raw and the SockJS WebSocket transports alike
        .setMaxWebSocketFrameSize(limits.maxWebSocketMessageBytes())
        .setMaxWebSocketMessageSize(limits.maxWebSocketMessageBytes());
    EdgeRefusals refusals = new EdgeRefusals(MeshMetrics.registry(vertx));
    AddressShield shield = new AddressShield(new AddressBuckets(limits.rate(), limits.maxAddresses(), System.nanoTime()),
        refusals);
    return vertx.createHttpServer(options)
        .connectionHandler(new ConnectionCap(limits, refusals, new StrictFraming(options)))
        .requestHandler(shield.guard(router))
        .invalidRequestHandler(shield.guardInvalid(new InvalidRequests(lineBytes, headerBytes)))
        .exceptionHandler(ClientFaults::connectionFailed);
  }

  private static int positive(MeshConfig settings, String name, int defaultValue) {
    int value = settings.getInt(name, defaultValue);
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be a positive number of bytes, got " + value);
    }
    return value;
  }
}
