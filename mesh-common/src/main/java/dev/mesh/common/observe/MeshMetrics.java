package dev.mesh.common.observe;

import dev.mesh.common.MeshConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * The Prometheus registry of each Vert.x node, switched on once where the node is built. Vert.x records
 * its own meters there through vertx-micrometer (HTTP server and client, event bus, pools, JVM; the HTTP
 * request meters through {@link HttpMeters}); the mesh's meters are added by whoever owns them through
 * {@link #registry(Vertx)}. {@code MESH_METRICS_ENABLED=false} turns it off.
 */
public final class MeshMetrics {

  public static final String ENABLED = "MESH_METRICS_ENABLED";
  /** Vert.x's meter domains to leave out, comma-separated ({@code http_client,net_server}): none by default. */
  public static final String DISABLED_DOMAINS = "MESH_METRICS_DISABLED";

  /** Latency buckets of every mesh timer: few, so that each labelled series stays cheap. */
  public static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  // meters of a node without metrics go nowhere: an empty composite registry records nothing
  private static final MeterRegistry NONE = new CompositeMeterRegistry();
  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private MeshMetrics() {
  }

  /**
   * Adds metrics to the options and builder of a node about to be built, unless the settings turn them
   * off; call {@link #attach} with the built node and the returned registry (null when off).
   */
  public static PrometheusMeterRegistry enable(MeshConfig settings, VertxOptions options, VertxBuilder builder) {
    if (!settings.getBoolean(ENABLED, true)) {
      return null;
    }
    PrometheusMeterRegistry registry = newRegistry();
    options.setMetricsOptions(options(settings));
    builder.withMetrics(new MeshMetricsFactory(registry));
    return registry;
  }

  static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // three JVM meters whose Prometheus names promtool calls wrong (unit abbreviations, a _count gauge)
    registry.config()
        .meterFilter(MeterFilter.denyNameStartsWith("jvm.compilation.time"))
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        });
    return registry;
  }

  /** vertx-micrometer's options of a node: which domains and labels it records. */
  static MicrometerMetricsOptions options(MeshConfig settings) {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setDisabledMetricsCategories(disabledDomains(settings))
        .setJvmMetricsEnabled(true)
        // a registry per node: tests run several nodes in one JVM, and each must see its own
        .setRegistryName("mesh-" + UUID.randomUUID())
        // no HTTP_ROUTE: its value is the chain of Vert.x Web routes a request passed (the gateway's read
        // "^(?!/eventbus/).*>/api/"), built per request; mesh_gateway_requests labels route templates.
        // No LOCAL or REMOTE either: HttpMeters keeps Vert.x's HTTP meters by method, status and client name
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE,
            Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.CLIENT_NAME, Label.NAMESPACE))
        // reply addresses are one per request: folded into one series
        .addLabelMatch(new Match().setDomain(MetricsDomain.EVENT_BUS)
            .setLabel(Label.EB_ADDRESS.toString()).setType(MatchType.REGEX)
            .setValue("__vertx\\.reply\\..*").setAlias("reply"))
        // so are the addresses of single instances (one per instance ever started; see Registry#instanceAddress)
        .addLabelMatch(new Match().setDomain(MetricsDomain.EVENT_BUS)
            .setLabel(Label.EB_ADDRESS.toString()).setType(MatchType.REGEX)
            .setValue(".+\\.instance\\..+").setAlias("instance"));
  }

  /** The names of {@link MetricsDomain}, in any case; a name that is none of them stops the node's start. */
  static Set<String> disabledDomains(MeshConfig settings) {
    Set<String> domains = new HashSet<>();
    for (String name : settings.getList(DISABLED_DOMAINS, "")) {
      try {
        domains.add(MetricsDomain.valueOf(name.toUpperCase(Locale.ROOT)).toCategory());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(DISABLED_DOMAINS + " names Vert.x's meter domains ("
            + Arrays.stream(MetricsDomain.values()).map(d -> d.name().toLowerCase(Locale.ROOT)).toList()
            + "), got '" + name + "'");
      }
    }
    return domains;
  }

  public static void attach(Vertx vertx, PrometheusMeterRegistry registry) {
    if (registry != null) {
      REGISTRIES.put(vertx, registry);
    }
  }

  /** Where the mesh's own meters of this node go (nowhere when metrics are off). */
  public static MeterRegistry registry(Vertx vertx) {
    MeterRegistry registry = REGISTRIES.get(vertx);
    return registry == null ? NONE : registry;
  }

  public static boolean enabled(Vertx vertx) {
    return REGISTRIES.containsKey(vertx);
  }

  /** Answers a scrape in the Prometheus text format, or 404 when this node has no metrics. */
  public static void scrape(Vertx vertx, HttpServerRequest request) {
    PrometheusMeterRegistry registry = REGISTRIES.get(vertx);
    if (registry == null) {
      request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
          .end("{\"status\":404,\"error\":\"not_found\",\"message\":\"metrics are off (MESH_METRICS_ENABLED)\"}");
      return;
    }
    request.response().putHeader("Content-Type", CONTENT_TYPE).end(registry.scrape());
  }
}
