package dev.mesh.gateway.pipeline;

import dev.mesh.common.MeshError;
import dev.mesh.gateway.observe.RequestObserver;
import dev.mesh.gateway.routing.RouteTable;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Finds the route a service published for this method and path. A path of a known service with no
 * instance left is a fast 503, not a 404 or a timeout; anything else unknown is a 404. A query string
 * that cannot be decoded is a 400 here, so that no later step meets it as an exception.
 */
final class MatchRoute implements Handler<RoutingContext> {

  private final RouteTable table;

  MatchRoute(RouteTable table) {
    this.table = table;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    RouteTable.Match match = table.match(ctx.request().method().name(), path);
    String service = match != null ? match.route().service() : table.serviceOfPath(path);
    // the metrics and access log name the route template, never the raw path
    RequestObserver.matched(ctx, service == null ? RequestObserver.NO_SERVICE : service, match == null ? null : match.route().path());
    if (service == null || (match == null && table.instances(service) > 0)) {
      ctx.fail(MeshError.notFound("no route for " + ctx.request().method() + " " + path));
      return;
    }
    if (table.instances(service) == 0) {
      ctx.fail(MeshError.unavailable("service '" + service + "' has no instance"));
      return;
    }
    try {
      ctx.queryParams(); // decoded once here: a query that cannot be (%zz) is the client's 400, before any other step
    } catch (RuntimeException e) {
      ctx.fail(MeshError.badRequest("the query string cannot be decoded: use percent-escapes such as %20"));
      return;
    }
    Exchange.match(ctx, match);
    ctx.next();
  }
}
