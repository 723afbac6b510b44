package dev.mesh.gateway.pipeline;

import dev.mesh.common.Breakers;
import dev.mesh.common.MeshError;
import dev.mesh.gateway.routing.RouteTable;
import dev.mesh.gateway.routing.Upstream;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The last step: the request goes to its upstream (event bus for Java services, HTTP for foreign ones)
 * through the service's breaker; a failure goes to the router's JSON failure handler.
 */
final class Forward implements Handler<RoutingContext> {

  private final Breakers breakers;
  private final Upstream eventBus;
  private final Upstream http;

  Forward(Breakers breakers, Upstream eventBus, Upstream http) {
    this.breakers = breakers;
    this.eventBus = eventBus;
    this.http = http;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RouteTable.Match match = Exchange.match(ctx);
    String service = match.route().service();
    Upstream upstream = match.endpoint() == null ? eventBus : http;
    breakers.execute(service, () -> upstream.forward(ctx, match, Exchange.caller(ctx)))
        .onFailure(failure -> {
          if (failure instanceof OpenCircuitException) {
            BreakerGate.failOpen(ctx, breakers, service); // a half-open breaker lets only its one trial call through
          } else {
            ctx.fail(MeshError.from(failure));
          }
        });
  }
}
