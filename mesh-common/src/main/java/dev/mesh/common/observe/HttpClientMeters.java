package dev.mesh.common.observe;

import dev.mesh.common.observe.HttpMeters.Exchange;
import io.vertx.core.http.WebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * One HTTP client's meters: its connections, bytes and websockets stay vertx-micrometer's, its requests
 * go to the node's kept {@link HttpMeters}, by client name and method (the mesh leaves out the remote label).
 */
final class HttpClientMeters extends LibraryConnectionMeters implements HttpClientMetrics<Exchange, Object, Object> {

  private final HttpClientMetrics<Object, Object, Object> library;
  private final Endpoint endpoint;

  HttpClientMeters(HttpClientMetrics<Object, Object, Object> library, HttpMeters.Side meters) {
    super(library);
    this.library = library;
    this.endpoint = new Endpoint(meters);
  }

  @Override
  public ClientMetrics<Exchange, HttpRequest, HttpResponse> createEndpointMetrics(SocketAddress remoteAddress,
      int maxPoolSize) {
    return endpoint;
  }

  @Override
  public Object connected(WebSocket webSocket) {
    return library.connected(webSocket);
  }

  @Override
  public void disconnected(Object webSocket) {
    library.disconnected(webSocket);
  }

  /** Every endpoint of the client records into the same series: none of them is labelled by its address. */
  private record Endpoint(HttpMeters.Side meters) implements ClientMetrics<Exchange, HttpRequest, HttpResponse> {

    @Override
    public Exchange requestBegin(String uri, HttpRequest request) {
      return meters.begin(request.method());
    }

    @Override
    public void requestEnd(Exchange exchange, long bytesWritten) {
      exchange.requestEnd(bytesWritten);
    }

    @Override
    public void requestReset(Exchange exchange) {
      exchange.reset();
    }

    @Override
    public void responseBegin(Exchange exchange, HttpResponse response) {
      exchange.responseBegin(response.statusCode());
    }

    @Override
    public void responseEnd(Exchange exchange, long bytesRead) {
      exchange.responseEnd(bytesRead);
    }
  }
}
