package dev.mesh.common.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Traces for work that no request started, such as passes of a timer. A pass runs on a Vert.x context
 * of its own, so it never lands in the trace of whichever request happened to wake it; once it knows
 * whose work it does, it opens a root span linked to their traces ({@link #start}), and its queries,
 * event-bus messages and what they cause in other JVMs form one trace of their own that points back.
 * On a node that does not export spans, passes run as they would without it and no span is made.
 */
public final class TimerTraces {

  private final ContextInternal home;
  private final Tracer tracer;

  /** Made on the context the passes belong to (a verticle's): they run on its event loop. */
  public TimerTraces(Vertx vertx, String instrumentation) {
    this.home = ((ContextInternal) vertx.getOrCreateContext()).unwrap();
    OpenTelemetrySdk sdk = MeshTracing.exporting(vertx);
    this.tracer = sdk == null ? null : sdk.getTracer(instrumentation);
  }

  /** Runs one pass on a fresh context of the home event loop, where no request's span is current. */
  public <T> Future<T> detached(Supplier<Future<T>> pass) {
    if (tracer == null) {
      return pass.get();
    }
    ContextInternal own = home.duplicate();
    Promise<T> done = Promise.promise();
    own.runOnContext(v -> {
      try {
        pass.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  /**
   * Opens the root span of the current pass, linked to the traces in {@code traceparents} (W3C form;
   * null and malformed ones are skipped), and makes it current for the rest of the pass: call it inside
   * {@link #detached}, and end the span when the pass is done. An invalid span when not exporting.
   */
  public Span start(String name, Iterable<String> traceparents) {
    ContextInternal current = ContextInternal.current();
    if (tracer == null || current == null || !current.isDuplicate()) {
      return Span.getInvalid();
    }
    SpanBuilder builder = tracer.spanBuilder(name).setNoParent().setSpanKind(SpanKind.INTERNAL);
    Set<String> distinct = new LinkedHashSet<>();
    traceparents.forEach(distinct::add);
    for (String traceparent : distinct) {
      SpanContext linked = MeshTracing.parse(traceparent);
      if (linked.isValid()) {
        builder.addLink(linked);
      }
    }
    Span span = builder.startSpan();
    // the pass's context is its own and is dropped after it: there is no earlier span to restore
    VertxContextStorage.INSTANCE.attach(current, Context.root().with(span));
    return span;
  }
}
