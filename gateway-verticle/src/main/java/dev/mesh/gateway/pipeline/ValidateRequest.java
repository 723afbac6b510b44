package dev.mesh.gateway.pipeline;

import dev.mesh.common.MeshError;
import dev.mesh.gateway.routing.RequestValidation;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** The route's declared body schema and query parameters: a bad request never reaches the service, nor counts against it. */
final class ValidateRequest implements Handler<RoutingContext> {

  private final RequestValidation validation = new RequestValidation();

  @Override
  public void handle(RoutingContext ctx) {
    try {
      validation.check(ctx, Exchange.match(ctx).route());
    } catch (MeshError e) {
      ctx.fail(e);
      return;
    }
    ctx.next();
  }
}
