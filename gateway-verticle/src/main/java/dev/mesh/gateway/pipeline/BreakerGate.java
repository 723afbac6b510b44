package dev.mesh.gateway.pipeline;

import dev.mesh.common.Breakers;
import dev.mesh.common.MeshError;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;

/** A service whose breaker is open is answered at once: 503 with {@code Retry-After}, nothing sent. */
final class BreakerGate implements Handler<RoutingContext> {

  private final Breakers breakers;

  BreakerGate(Breakers breakers) {
    this.breakers = breakers;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String service = Exchange.match(ctx).route().service();
    if (breakers.state(service) == CircuitBreakerState.OPEN) {
      failOpen(ctx, breakers, service);
      return;
    }
    ctx.next();
  }

  static void failOpen(RoutingContext ctx, Breakers breakers, String service) {
    ctx.response().putHeader("Retry-After", Long.toString(breakers.retryAfterSeconds(service)));
    ctx.fail(MeshError.unavailable("service '" + service + "' is failing; its circuit breaker is open"));
  }
}
