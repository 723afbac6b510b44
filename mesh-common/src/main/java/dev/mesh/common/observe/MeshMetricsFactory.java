package dev.mesh.common.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MetricsNaming;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * vertx-micrometer's metrics of a node, with its HTTP request meters kept instead of looked up per request
 * ({@link HttpMeters}); every other meter, and every option, is vertx-micrometer's own.
 */
final class MeshMetricsFactory extends MicrometerMetricsFactory {

  private final MeterRegistry registry;

  MeshMetricsFactory(MeterRegistry registry) {
    super(registry);
    this.registry = registry;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    MetricsNaming naming = options.getMetricsOptions() instanceof MicrometerMetricsOptions micrometer
        ? micrometer.getMetricsNaming() : MetricsNaming.v4Names();
    return new NodeMetrics(super.metrics(options), new HttpMeters(registry, naming));
  }

  /** Forwards to vertx-micrometer, but for the requests of HTTP servers and clients. */
  private record NodeMetrics(VertxMetrics library, HttpMeters http) implements VertxMetrics {

    @Override
    @SuppressWarnings("unchecked")
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> server = library.createHttpServerMetrics(options, localAddress);
      return server == null ? null : new HttpServerMeters((HttpServerMetrics<Object, Object, Object>) server, http.server());
    }

    @Override
    @SuppressWarnings("unchecked")
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      HttpClientMetrics<?, ?, ?> client = library.createHttpClientMetrics(options);
      return client == null ? null
          : new HttpClientMeters((HttpClientMetrics<Object, Object, Object>) client,
              http.client(options.getMetricsName()));
    }

    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
      return library.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
      return library.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      return library.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return library.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return library.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
      return library.createPoolMetrics(poolType, poolName, maxPoolSize);
    }

    @Override
    public void vertxCreated(Vertx vertx) {
      library.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return library.isMetricsEnabled();
    }

    @Override
    public void close() {
      library.close();
    }
  }
}
