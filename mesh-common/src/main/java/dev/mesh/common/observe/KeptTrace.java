package dev.mesh.common.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.vertx.core.internal.ContextInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;

/**
 * Work that outlives the handler that starts it, kept in that handler's trace. Vert.x takes the span of
 * a published event-bus message off the context as soon as the handler returns, and an HTTP request
 * begins (and is traced) only once a pooled connection is free: a webhook post made from such a handler
 * would carry no {@code traceparent}. Here the work runs on a context of its own that keeps the span.
 * Without a current trace (tracing off) the work simply runs.
 */
public final class KeptTrace {

  private KeptTrace() {
  }

  public static void run(Runnable work) {
    ContextInternal current = ContextInternal.current();
    Context trace = Context.current();
    if (current == null || !Span.fromContext(trace).getSpanContext().isValid()) {
      work.run();
      return;
    }
    ContextInternal own = current.unwrap().duplicate();
    VertxContextStorage.INSTANCE.attach(own, trace);
    own.dispatch(work);
  }
}
