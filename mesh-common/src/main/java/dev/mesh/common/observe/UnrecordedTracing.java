package dev.mesh.common.observe;

import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Context;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Vert.x's OpenTelemetry tracing for a node that exports nothing: the same spans, ids and W3C
 * propagation (trace ids still reach log lines and the gateway's answers), without the span attributes.
 * Vert.x builds those (URL, peer address, SQL statement, ...) for every request, message and query,
 * twice per span, whether or not the span is recorded; a span that is never recorded needs none.
 */
final class UnrecordedTracing extends OpenTelemetryTracingFactory {

  UnrecordedTracing(OpenTelemetry openTelemetry) {
    super(openTelemetry);
  }

  @Override
  @SuppressWarnings("unchecked")
  public VertxTracer<?, ?> tracer(TracingOptions options) {
    return new Untagged((VertxTracer<Object, Object>) super.tracer(options));
  }

  private record Untagged(VertxTracer<Object, Object> tracer) implements VertxTracer<Object, Object> {

    @Override
    public <R> Object receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
        Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tags) {
      return tracer.receiveRequest(context, kind, policy, request, operation, headers, TagExtractor.empty());
    }

    @Override
    public <R> void sendResponse(Context context, R response, Object payload, Throwable failure, TagExtractor<R> tags) {
      tracer.sendResponse(context, response, payload, failure, TagExtractor.empty());
    }

    @Override
    public <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
        BiConsumer<String, String> headers, TagExtractor<R> tags) {
      return tracer.sendRequest(context, kind, policy, request, operation, headers, TagExtractor.empty());
    }

    @Override
    public <R> void receiveResponse(Context context, R response, Object payload, Throwable failure,
        TagExtractor<R> tags) {
      tracer.receiveResponse(context, response, payload, failure, TagExtractor.empty());
    }

    @Override
    public void close() {
      tracer.close();
    }
  }
}
