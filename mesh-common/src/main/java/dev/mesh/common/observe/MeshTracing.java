package dev.mesh.common.observe;

import dev.mesh.common.MeshConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * OpenTelemetry for a node about to be built: Vert.x then opens a span for every HTTP request, event-bus
 * message and SQL query, carried between JVMs in the W3C {@code traceparent}. With
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} set, spans are sampled and exported over OTLP/HTTP; without it,
 * nothing is recorded and no span attributes are built ({@link UnrecordedTracing}), but trace ids still
 * travel (into log lines and the gateway's answers), which costs next to nothing.
 * {@code MESH_TRACING_ENABLED=false} turns tracing off altogether.
 */
public final class MeshTracing {

  public static final String ENABLED = "MESH_TRACING_ENABLED";
  public static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  public static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
  /** How long finished spans wait to be sent in one batch (the OpenTelemetry default is 5000). */
  public static final String EXPORT_DELAY_MS = "OTEL_BSP_SCHEDULE_DELAY";

  /** The SDK of each node that exports (nodes that do not are absent: their timers start no trace). */
  private static final Map<Vertx, OpenTelemetrySdk> EXPORTING = new WeakHashMap<>();

  private MeshTracing() {
  }

  /** Remembers the built node's SDK when it exports, for the traces the node starts itself ({@link TimerTraces}). */
  public static void attach(Vertx vertx, MeshConfig settings, OpenTelemetrySdk sdk) {
    if (sdk != null && settings.get(OTLP_ENDPOINT, null) != null) {
      synchronized (EXPORTING) {
        EXPORTING.put(vertx, sdk);
      }
    }
  }

  /** The node's SDK when it exports its spans, otherwise null. */
  static OpenTelemetrySdk exporting(Vertx vertx) {
    synchronized (EXPORTING) {
      return EXPORTING.get(vertx);
    }
  }

  /** The SDK behind the node's tracer (close it after the node), or null when tracing is off. */
  public static OpenTelemetrySdk enable(MeshConfig settings, String service, VertxOptions options,
      VertxBuilder builder) {
    if (!settings.getBoolean(ENABLED, true)) {
      return null;
    }
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), settings.get(SERVICE_NAME, service))));
    SdkTracerProviderBuilder tracers = SdkTracerProvider.builder().setResource(resource);
    String endpoint = settings.get(OTLP_ENDPOINT, null);
    if (endpoint == null) {
      tracers.setSampler(Sampler.alwaysOff());
    } else {
      tracers.setSampler(Sampler.parentBased(Sampler.alwaysOn()))
          .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                  .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces").build())
              .setScheduleDelay(Duration.ofMillis(settings.getInt(EXPORT_DELAY_MS, 5000)))
              .build());
    }
    // the plain SDK builder propagates nothing: W3C trace context is what the mesh and its bridge speak
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(tracers.build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    options.setTracingOptions(new OpenTelemetryOptions());
    builder.withTracer(endpoint == null ? new UnrecordedTracing(sdk) : new OpenTelemetryTracingFactory(sdk));
    return sdk;
  }

  /**
   * The current span's W3C {@code traceparent} when it is exported (sampled), otherwise null: a trace
   * that is not recorded is nothing to link to, and not exporting then costs no string.
   */
  public static String sampledTraceparent() {
    SpanContext span = Span.current().getSpanContext();
    return span.isValid() && span.isSampled() ? traceparent(span) : null;
  }

  /** The W3C form: version, trace id, span id, flags. */
  public static String traceparent(SpanContext span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }

  /** A W3C {@code traceparent} read back; invalid when null or malformed. */
  public static SpanContext parse(String traceparent) {
    if (traceparent == null || traceparent.length() != 55 || !traceparent.startsWith("00-")
        || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
      return SpanContext.getInvalid();
    }
    try {
      return SpanContext.createFromRemoteParent(traceparent.substring(3, 35), traceparent.substring(36, 52),
          TraceFlags.fromHex(traceparent, 53), TraceState.getDefault());
    } catch (IllegalArgumentException badFlags) {
      return SpanContext.getInvalid();
    }
  }
}
