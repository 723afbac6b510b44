package dev.mesh.common.observe;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MetricsNaming;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The per-request meters of Vert.x's HTTP servers and clients on one node, each looked up in the registry
 * once and then kept. vertx-micrometer 5.0 asks the registry for five or six meters on every request (its
 * meter cache option is unused since 5.0), which cost the gateway a fifth of its proxy throughput. These are its
 * meters, with its names, help texts and labels for the label set {@link MeshMetrics} chooses (method and
 * status; client name), so scrapes and dashboards cannot tell them apart; MeshMetricsTest compares the two.
 * One instance per node: every server and client of the node shares each series, as in vertx-micrometer.
 * Unlike vertx-micrometer, a method that is none of Vert.x's known ones is labelled {@code OTHER}: a caller
 * makes up the method of its request, and must not make up series.
 */
final class HttpMeters {

  private static final HttpMethod OTHER = HttpMethod.valueOf("OTHER");
  private static final Set<HttpMethod> KNOWN = Set.copyOf(HttpMethod.values());

  private final MeterRegistry registry;
  private final Clock clock;
  private final MetricsNaming serverNames;
  private final MetricsNaming clientNames;
  private final Side server;
  private final ConcurrentMap<String, Side> clients = new ConcurrentHashMap<>();

  HttpMeters(MeterRegistry registry, MetricsNaming naming) {
    this.registry = registry;
    this.clock = registry.config().clock();
    this.serverNames = naming.withBaseName(MetricsDomain.HTTP_SERVER.getPrefix());
    this.clientNames = naming.withBaseName(MetricsDomain.HTTP_CLIENT.getPrefix());
    this.server = new Side(true, Tags.empty());
  }

  /** The meters of this node's HTTP servers. */
  Side server() {
    return server;
  }

  /** The meters of this node's HTTP clients with this metrics name ({@code HttpClientOptions#setMetricsName}). */
  Side client(String metricsName) {
    return clients.computeIfAbsent(metricsName == null ? "?" : metricsName,
        name -> new Side(false, Tags.of(Label.CLIENT_NAME.toString(), name)));
  }

  /** The server side, or the clients of one name: their request meters by method. */
  final class Side {
    private final boolean server;
    private final Tags tags;
    private final ConcurrentMap<HttpMethod, RequestMeters> byMethod = new ConcurrentHashMap<>();

    private Side(boolean server, Tags tags) {
      this.server = server;
      this.tags = tags;
    }

    /** A request that began (a client's: was sent); active until it and its response end. */
    Exchange begin(HttpMethod requested) {
      HttpMethod method = KNOWN.contains(requested) ? requested : OTHER;
      RequestMeters meters = byMethod.get(method);
      if (meters == null) {
        meters = byMethod.computeIfAbsent(method,
            m -> new RequestMeters(server, tags.and(Label.HTTP_METHOD.toString(), m.name())));
      }
      return new Exchange(meters);
    }
  }

  /** One request in flight; vertx-micrometer's bookkeeping of when it stops being active. */
  final class Exchange {
    private final RequestMeters meters;
    private final long start;
    private int status;
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean reset;

    private Exchange(RequestMeters meters) {
      this.meters = meters;
      this.start = clock.monotonicTime();
      meters.begin();
    }

    void requestEnd(long bytes) {
      meters.requestBytes.record(bytes);
      requestEnded = true;
      if (!reset && responseEnded) {
        meters.active.decrement();
      }
    }

    void responseBegin(int statusCode) {
      status = statusCode;
    }

    void responseEnd(int statusCode, long bytes) {
      ResponseMeters response = meters.status(statusCode);
      response.count.increment();
      response.time.record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
      response.bytes.record(bytes);
      responseEnded = true;
      if (!reset && requestEnded) {
        meters.active.decrement();
      }
    }

    /** The client's status, given at {@link #responseBegin}. */
    void responseEnd(long bytes) {
      responseEnd(status, bytes);
    }

    void reset() {
      meters.reset();
      reset = true;
    }
  }

  /** The meters of one method on the server side, or of one client name and method on the client side. */
  private final class RequestMeters {
    private static final int STATUSES = 600;

    private final boolean server;
    private final Tags tags;
    private final MetricsNaming names;
    private final LongAdder active = new LongAdder();
    private final DistributionSummary requestBytes;
    private final Counter sent;
    private final AtomicReferenceArray<ResponseMeters> byStatus = new AtomicReferenceArray<>(STATUSES);

    RequestMeters(boolean server, Tags tags) {
      this.server = server;
      this.tags = tags;
      this.names = server ? serverNames : clientNames;
      Gauge.builder(names.getHttpActiveRequests(), active, LongAdder::doubleValue)
          .description(server ? "Number of requests being processed" : "Number of requests waiting for a response")
          .tags(tags).register(registry);
      requestBytes = DistributionSummary.builder(names.getHttpRequestBytes())
          .description("Size of requests in bytes").tags(tags).register(registry);
      sent = server ? null
          : Counter.builder(names.getHttpRequestsCount()).description("Number of requests sent").tags(tags)
              .register(registry);
    }

    void begin() {
      active.increment();
      if (sent != null) {
        sent.increment();
      }
    }

    // a server's resets are a series from the first one on, as in vertx-micrometer; rare enough to look up
    void reset() {
      if (server) {
        Counter.builder(names.getHttpRequestResetsCount()).description("Number of request resets").tags(tags)
            .register(registry).increment();
      }
      active.decrement();
    }

    ResponseMeters status(int code) {
      if (code < 0 || code >= STATUSES) {
        return newResponseMeters(code);
      }
      ResponseMeters meters = byStatus.get(code);
      if (meters == null) {
        byStatus.compareAndSet(code, null, newResponseMeters(code));
        meters = byStatus.get(code);
      }
      return meters;
    }

    // a second registration of the same series returns the first meter, so racing threads share it
    private ResponseMeters newResponseMeters(int code) {
      Tags withCode = tags.and(Label.HTTP_CODE.toString(), String.valueOf(code));
      Counter count = (server
          ? Counter.builder(names.getHttpRequestsCount()).description("Number of processed requests")
          : Counter.builder(names.getHttpResponsesCount()).description("Response count with codes"))
          .tags(withCode).register(registry);
      Timer time = Timer.builder(names.getHttpResponseTime())
          .description(server ? "Request processing time" : "Response time").tags(withCode).register(registry);
      DistributionSummary bytes = DistributionSummary.builder(names.getHttpResponseBytes())
          .description("Size of responses in bytes").tags(withCode).register(registry);
      return new ResponseMeters(count, time, bytes);
    }
  }

  private record ResponseMeters(Counter count, Timer time, DistributionSummary bytes) {
  }
}
