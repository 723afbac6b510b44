package dev.mesh.gateway.observe;

import dev.mesh.common.observe.MeshMetrics;
import dev.mesh.common.observe.MeshTracing;
import dev.mesh.gateway.pipeline.Exchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's first step for every request: when the answer is written it records
 * {@code mesh_gateway_requests_seconds{service,route,method,status}}, counts rejections by reason and
 * writes one access log line; every answer carries the request's W3C {@code traceparent} so that a user
 * can quote it. Labels are route templates ({@code /api/users/:id}), never raw paths.
 * Later steps name the matched route with {@link #matched}.
 */
public final class RequestObserver implements Handler<RoutingContext> {

  private static final Logger access = LoggerFactory.getLogger("mesh.access");
  private static final String SERVICE = "mesh.observe.service";
  private static final String ROUTE = "mesh.observe.route";
  private static final String UNMATCHED = "unmatched";
  /** The service label of an {@code /api} path that belongs to no service. */
  public static final String NO_SERVICE = "none";
  public static final String TRACEPARENT = "traceparent";

  private final MeterRegistry registry;
  private final SlidingWindow recent;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejections = new ConcurrentHashMap<>();

  /** {@code recent}: also counts every answer of a service's route there, for the dashboard's charts. */
  public RequestObserver(MeterRegistry registry, SlidingWindow recent) {
    this.registry = registry;
    this.recent = recent;
  }

  /** Names the service and route template this request was matched to (template null: none matched). */
  public static void matched(RoutingContext ctx, String service, String template) {
    ctx.put(SERVICE, service);
    ctx.put(ROUTE, template == null ? UNMATCHED : template);
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    // Vert.x opened this request's span and keeps it in the request's context: quote it in the answer
    SpanContext trace = Span.current().getSpanContext();
    if (trace.isValid()) {
      ctx.response().headersEndHandler(v -> ctx.response().putHeader(TRACEPARENT, traceparent(trace)));
    }
    ctx.addEndHandler(done -> observe(ctx, System.nanoTime() - start, trace));
    ctx.next();
  }

  /** The W3C form: version, trace id, span id, flags. */
  static String traceparent(SpanContext trace) {
    return MeshTracing.traceparent(trace);
  }

  private void observe(RoutingContext ctx, long nanos, SpanContext trace) {
    String matchedService = ctx.get(SERVICE);
    String service = matchedService == null ? "gateway" : matchedService;
    String matched = ctx.get(ROUTE);
    String route = matched != null ? matched : ownRoute(ctx);
    String method = ctx.request().method().name();
    int status = ctx.response().getStatusCode();
    String reason = rejection(status);
    if (reason != null) {
      rejections.computeIfAbsent(reason, r -> Counter.builder("mesh.gateway.rejected")
          .description("Requests the mesh refused, by reason").tag("reason", r).register(registry)).increment();
    }
    String key = service + ' ' + route + ' ' + method + ' ' + status;
    Timer timer = timers.computeIfAbsent(key, k -> Timer.builder("mesh.gateway.requests")
        .description("Requests answered by the gateway, by service, route template, method and status")
        .tag("service", service).tag("route", route).tag("method", method).tag("status", Integer.toString(status))
        .serviceLevelObjectives(MeshMetrics.LATENCY_BUCKETS)
        .register(registry));
    timer.record(nanos, TimeUnit.NANOSECONDS);
    if (matchedService != null && !NO_SERVICE.equals(matchedService)) {
      // the charts show the services' traffic, not the gateway's own pages, probes and scrapes
      recent.record(service, nanos, status >= 500); // a 5xx is the mesh failing, not the client
    }
    if (access.isInfoEnabled()) {
      String subject = Exchange.caller(ctx).subject(); // as the pipeline verified it
      String caller = subject == null ? "-" : subject;
      long tenths = (nanos + 50_000) / 100_000; // milliseconds to one decimal, without String.format's cost
      String ms = tenths / 10 + "." + tenths % 10;
      String traceId = trace.isValid() ? trace.getTraceId() : "-";
      access.atInfo()
          .addKeyValue("method", method).addKeyValue("route", route).addKeyValue("status", status)
          .addKeyValue("durationMs", tenths / 10.0).addKeyValue("caller", caller)
          .addKeyValue("traceId", traceId)
          .log("{} {} {} {} ms caller={} trace={}", method, route, status, ms, caller, traceId);
    }
  }

  /** The gateway's own routes are few and fixed: the template of the route that answered. */
  private static String ownRoute(RoutingContext ctx) {
    Route current = ctx.currentRoute();
    String path = current == null ? null : current.getPath();
    return path == null ? UNMATCHED : path;
  }

  private static String rejection(int status) {
    return switch (status) {
      case 400 -> "bad_input";
      case 401, 403 -> "auth";
      case 413 -> "too_large";
      case 429 -> "rate_limit";
      default -> null;
    };
  }
}
