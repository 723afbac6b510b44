package dev.mesh.gateway.pipeline;

import dev.mesh.common.Caller;
import dev.mesh.common.MeshError;
import dev.mesh.common.RoutePolicy;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The matched route's rules, as its service declared them in the registry: open, or a valid token with
 * the required roles and scopes. No token where one is needed is a 401 with {@code WWW-Authenticate};
 * a token without what the route needs is a 403.
 */
final class Authorize implements Handler<RoutingContext> {

  static final String REALM = "mesh";

  @Override
  public void handle(RoutingContext ctx) {
    RoutePolicy policy = Exchange.match(ctx).route().policy();
    Caller caller = Exchange.caller(ctx);
    String refusal = policy.refusal(caller);
    if (refusal == null) {
      ctx.next();
    } else if (!caller.authenticated()) {
      challenge(ctx, null);
      ctx.fail(MeshError.unauthorized(refusal));
    } else {
      ctx.fail(MeshError.forbidden(refusal));
    }
  }

  /** RFC 6750's challenge; {@code error} only when a credential was given and failed. */
  static void challenge(RoutingContext ctx, String error) {
    ctx.response().putHeader("WWW-Authenticate",
        "Bearer realm=\"" + REALM + "\"" + (error == null ? "" : ", error=\"" + error + "\""));
  }
}
