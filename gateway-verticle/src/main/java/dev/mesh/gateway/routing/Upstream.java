package dev.mesh.gateway.routing;

import dev.mesh.common.Caller;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * Where a matched route's request goes: a Java service on the event bus ({@link EventBusUpstream}) or a
 * foreign service over HTTP (the bridge's proxy). Routing knows this contract, not the transports.
 */
public interface Upstream {

  /**
   * Sends the request on, with the verified caller, and writes the answer. Completes once the answer is
   * written; fails with a MeshError (4xx: the client's, 5xx: the service's) for the router to write.
   */
  Future<Void> forward(RoutingContext ctx, RouteTable.Match match, Caller caller);
}
