package dev.mesh.gateway.edge;

import dev.mesh.common.MeshConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The gateway's HTTP server with its limits and the hooks that keep a hostile client's bytes from
 * reaching the router: strict framing ({@link StrictFraming}), decoder failures answered in the mesh's
 * error shape ({@link InvalidRequests}), and connection failures logged at DEBUG ({@link ClientFaults}).
 */
public final class EdgeServer {

  public static final String MAX_INITIAL_LINE_BYTES = "GATEWAY_MAX_INITIAL_LINE_BYTES";
  public static final String MAX_HEADER_BYTES = "GATEWAY_MAX_HEADER_BYTES";

  private EdgeServer() {
  }

  public static HttpServer create(Vertx vertx, MeshConfig settings) {
    int lineBytes = positive(settings, MAX_INITIAL_LINE_BYTES, 4096);
    int headerBytes = positive(settings, MAX_HEADER_BYTES, 8192);
    HttpServerOptions options = new HttpServerOptions()
        // no cleartext HTTP/2 upgrade: "Upgrade: h2c" is a known way past a proxy's rules (h2c smuggling),
        // and it would also decode a connection's first request before StrictFraming is in place
        .setHttp2ClearTextEnabled(false)
        .setMaxInitialLineLength(lineBytes)
        .setMaxHeaderSize(headerBytes);
    return vertx.createHttpServer(options)
        .connectionHandler(new StrictFraming(options))
        .invalidRequestHandler(new InvalidRequests(lineBytes, headerBytes))
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
