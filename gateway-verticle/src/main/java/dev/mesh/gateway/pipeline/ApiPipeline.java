package dev.mesh.gateway.pipeline;

import dev.mesh.common.Breakers;
import dev.mesh.gateway.auth.TokenVerifier;
import dev.mesh.gateway.edge.RequestBodies;
import dev.mesh.gateway.ratelimit.ClusterRateLimiter;
import dev.mesh.gateway.ratelimit.RateLimitSettings;
import dev.mesh.gateway.routing.RouteTable;
import dev.mesh.gateway.routing.Upstream;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Every {@code /api/*} request passes these steps, in this order, each a small class that reads the
 * matched route (set by the first) and either calls {@code ctx.next()} or fails the request with a
 * MeshError, which the router's one failure handler writes as JSON. To add a concern, write its step and
 * put it in {@link #steps} where it belongs.
 *
 * <p>Before the first step, the edge server has already spent one token of the client address's own
 * bucket ({@code edge/AddressShield}): a flood from one host is a 429 there, before any token is checked.
 * {@link RateLimit} here counts what got past authentication, per identity, across the cluster.
 */
public final class ApiPipeline {

  private final List<Handler<RoutingContext>> steps;

  public ApiPipeline(RouteTable table, TokenVerifier tokens, ClusterRateLimiter limiter, RateLimitSettings limits,
      Breakers breakers, int bodyLimit, Upstream eventBus, Upstream http) {
    List<Handler<RoutingContext>> steps = new ArrayList<>(List.of(
        new RequestBodies(bodyLimit),                    // JSON bodies up to the limit (413); forms 415
        new MatchRoute(table),                           // 404 / 503 before anything else is spent
        new RequestId(),                                 // X-Request-Id, echoed
        new Authenticate(tokens),                        // bearer token -> Caller (401 when bad)
        new Authorize(),                                 // the route's policy (401 / 403)
        new RateLimit(limiter, limits),                  // cluster-wide token buckets (429)
        new ValidateRequest(),                           // the route's body schema and query (400)
        new BreakerGate(breakers),                       // an open breaker is a fast 503
        new Forward(breakers, eventBus, http)));         // event bus or HTTP, through the breaker
    if (!limits.enabled()) {
      steps.removeIf(RateLimit.class::isInstance); // GATEWAY_RATE_LIMIT_ENABLED=false, for measurements
    }
    this.steps = List.copyOf(steps);
  }

  /** Mounts the steps on {@code path} (such as {@code /api/*}), in order. */
  public void mount(Router router, String path) {
    Route route = router.route(path);
    steps.forEach(route::handler);
  }
}
