package dev.mesh.common.observe;

import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.TCPMetrics;

/**
 * The connection meters of an HTTP server or client (open connections, bytes, errors), left to
 * vertx-micrometer: they are found once per connection, not per request.
 */
abstract class LibraryConnectionMeters implements TCPMetrics<Object> {

  private final TCPMetrics<Object> library;

  LibraryConnectionMeters(TCPMetrics<Object> library) {
    this.library = library;
  }

  @Override
  public Object connected(SocketAddress remoteAddress, String remoteName) {
    return library.connected(remoteAddress, remoteName);
  }

  @Override
  public void disconnected(Object socket, SocketAddress remoteAddress) {
    library.disconnected(socket, remoteAddress);
  }

  @Override
  public void bytesRead(Object socket, SocketAddress remoteAddress, long numberOfBytes) {
    library.bytesRead(socket, remoteAddress, numberOfBytes);
  }

  @Override
  public void bytesWritten(Object socket, SocketAddress remoteAddress, long numberOfBytes) {
    library.bytesWritten(socket, remoteAddress, numberOfBytes);
  }

  @Override
  public void exceptionOccurred(Object socket, SocketAddress remoteAddress, Throwable failure) {
    library.exceptionOccurred(socket, remoteAddress, failure);
  }

  @Override
  public void close() {
    library.close();
  }
}
