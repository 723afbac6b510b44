package dev.mesh.common.observe;

import dev.mesh.common.observe.HttpMeters.Exchange;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * One HTTP server's meters: its connections, bytes and websockets stay vertx-micrometer's, its requests
 * go to the node's kept {@link HttpMeters}.
 */
final class HttpServerMeters extends LibraryConnectionMeters implements HttpServerMetrics<Exchange, Object, Object> {

  private final HttpServerMetrics<Object, Object, Object> library;
  private final HttpMeters.Side meters;

  HttpServerMeters(HttpServerMetrics<Object, Object, Object> library, HttpMeters.Side meters) {
    super(library);
    this.library = library;
    this.meters = meters;
  }

  @Override
  public Exchange requestBegin(Object socket, HttpRequest request) {
    return meters.begin(request.method());
  }

  @Override
  public Exchange responsePushed(Object socket, HttpMethod method, String uri, HttpResponse response) {
    return meters.begin(method);
  }

  @Override
  public void requestEnd(Exchange exchange, HttpRequest request, long bytesRead) {
    exchange.requestEnd(bytesRead);
  }

  @Override
  public void requestReset(Exchange exchange) {
    exchange.reset();
  }

  @Override
  public void responseEnd(Exchange exchange, HttpResponse response, long bytesWritten) {
    exchange.responseEnd(response.statusCode(), bytesWritten);
  }

  @Override
  public Object connected(Object socket, Exchange exchange, ServerWebSocket webSocket) {
    return library.connected(socket, null, webSocket);
  }

  @Override
  public void disconnected(Object webSocket) {
    library.disconnected(webSocket);
  }
}
