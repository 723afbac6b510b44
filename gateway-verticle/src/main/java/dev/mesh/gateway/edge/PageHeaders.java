package dev.mesh.gateway.edge;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The headers of every page the gateway serves a browser (the dashboard, the API explorer): the page's
 * own Content-Security-Policy, no content sniffing, no referrer.
 */
public final class PageHeaders {

  private PageHeaders() {
  }

  public static Handler<RoutingContext> withPolicy(String contentSecurityPolicy) {
    return ctx -> {
      ctx.response()
          .putHeader("Content-Security-Policy", contentSecurityPolicy)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    };
  }
}
